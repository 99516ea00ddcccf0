using System;

namespace StaticNN.Tests.Infrastructure;

/// <summary>
/// "Allocates nothing after warm-up", robust to the runtime's own one-off allocations (tier-up, OSR) that can land on
/// the test thread under load: the work is measured in up to five windows and must allocate 0 bytes in at least one.
/// A real allocation in the code under test happens in every window, so it still fails.
/// </summary>
internal static class AllocationAssert
{
    public static void NoneAfterWarmUp(Action work, int iterationsPerWindow = 20)
    {
        for (int i = 0; i < 3; i++) work();
        long smallest = long.MaxValue;
        for (int window = 0; window < 5 && smallest != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterationsPerWindow; i++) work();
            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        smallest.ShouldBe(0L, "bytes allocated in every measurement window");
    }
}
