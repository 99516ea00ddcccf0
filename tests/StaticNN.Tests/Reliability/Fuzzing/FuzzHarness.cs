using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using CsCheck;
using StaticNN.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability.Fuzzing;

/// <summary>One edit of an input; the generator's small values (kind 0, position 0, length 1) are the simplest edits, so shrinking simplifies.</summary>
/// <param name="Kind">Which edit (see <see cref="Mutations.Apply"/>).</param>
/// <param name="Position">Where, as a fraction of the input in millionths.</param>
/// <param name="Length">How many bytes or characters the edit touches.</param>
/// <param name="Value">The edit's value: a bit, a token index, a repeat count, a random seed.</param>
internal readonly record struct Mutation(int Kind, int Position, int Length, int Value)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mutations.Names[Kind]}@{Position / 1e6:F3}x{Length}:{Value}");
}

/// <summary>
/// Mutation-based inputs for the loaders, generated with CsCheck and run deterministically: case <c>i</c> is generated
/// from the PCG stream <c>i</c> of a fixed seed, so every run checks the same cases; a failure is shrunk by CsCheck
/// (<see cref="Run"/>) and reported with the smaller failing input.
/// </summary>
internal static class Mutations
{
    /// <summary>The fixed seed of the suite.</summary>
    public const ulong Seed = 20_261_207;

    /// <summary>Cases per loader by default: a few thousand, a few seconds per loader on the CI machine.</summary>
    public const long DefaultIterations = 5000;

    /// <summary>Inputs never grow past this (repeat edits stop), so a case stays fast.</summary>
    public const int MaxLength = 1 << 18;

    public static readonly string[] Names = ["overwrite", "insert", "delete", "truncate", "repeat", "number", "flip"];

    /// <summary><c>SNN_FUZZ_ITERATIONS</c>, for long runs (for example 1000000), or the default.</summary>
    public static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("SNN_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0
        ? n
        : DefaultIterations;

    public static readonly Gen<Mutation> One = Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, 1_000_000], Gen.Int[1, 64], Gen.Int[0, int.MaxValue],
        (kind, position, length, value) => new Mutation(kind, position, length, value));

    /// <summary>A repeat edit inserts its stretch 1 + Value % RepeatCounts times.</summary>
    public const int RepeatCounts = 2000;

    /// <summary>1 to 4 edits (<see cref="Near"/> relies on at most 4).</summary>
    public static readonly Gen<Mutation[]> Some = One.Array[1, 4];

    /// <summary>
    /// Applies the generic edits (overwrite or insert a token of the format, delete, truncate, repeat a stretch) to a
    /// copy of <paramref name="input"/>; kinds 5 and 6 (<c>number</c>: an interesting number where the format keeps one,
    /// <c>flip</c>: a bit) belong to the format and are passed to <paramref name="special"/>.
    /// </summary>
    public static List<T> Apply<T>(IEnumerable<T> input, Mutation[] mutations, IReadOnlyList<T[]> tokens, Action<List<T>, Mutation> special)
    {
        var data = new List<T>(input);
        foreach (Mutation m in mutations)
        {
            int at = (int)((long)m.Position * data.Count / 1_000_001);
            switch (m.Kind)
            {
                case 0:
                {
                    T[] token = tokens[m.Value % tokens.Count];
                    for (int i = 0; i < token.Length && at + i < data.Count; i++)
                    {
                        data[at + i] = token[i];
                    }
                    break;
                }
                case 1:
                    if (data.Count < MaxLength)
                    {
                        data.InsertRange(at, tokens[m.Value % tokens.Count]);
                    }
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(m.Length, data.Count - at));
                    break;
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                {
                    // Repeat a stretch many times: long lines, many lines, many entries, long quoted fields.
                    int length = Math.Min(m.Length * 4, data.Count - at);
                    int times = 1 + m.Value % RepeatCounts;
                    List<T> stretch = data.GetRange(at, length);
                    for (int t = 0; t < times && data.Count + length <= MaxLength; t++)
                    {
                        data.InsertRange(at, stretch);
                    }
                    break;
                }
                default:
                    special(data, m);
                    break;
            }
        }
        return data;
    }

    /// <summary>
    /// The time a case may take: 500 ms plus 2 µs per byte (or character) it reads, so 1 s for the largest inputs.
    /// The slowest case of a run takes about a tenth of that, so only a loader that hangs or is far from linear
    /// reaches it; a case over the budget is run once more and fails only if it is over again, so a garbage
    /// collection or a busy machine does not count. (Quadratic work that allocates, as the CSV loader's did, fails
    /// the allocation bound long before it fails this.)
    /// </summary>
    public static TimeSpan TimeBudget(long inputBytes) => TimeSpan.FromMilliseconds(500 + inputBytes / 500.0);

    /// <summary>
    /// Checks <see cref="Iterations"/> cases deterministically: case <c>i</c> is a valid input drawn from
    /// <paramref name="bases"/> and 1 to 4 edits, built by <paramref name="build"/>. <paramref name="check"/> returns
    /// the outcome's kind ("loaded" or the error's reason without its numbers and names) and records what it measured in
    /// <paramref name="stats"/>; <paramref name="inputBytes"/> gives the bytes a case reads, for its time budget. On a
    /// failure, CsCheck shrinks it (<see cref="Shrink"/>) and the test fails with both inputs. The tally and the figures
    /// are printed; the tally is returned, so a test can require that both outcomes are common.
    /// </summary>
    public static Dictionary<string, int> Run<TBase, T>(Gen<TBase> bases, Func<TBase, Mutation[], T> build, Func<T, string> check, Func<T, long> inputBytes,
        FuzzStats stats, ITestOutputHelper output, Func<T, string> describe)
    {
        Gen<(TBase Base, Mutation[] Mutations)> gen = Gen.Select(bases, Some);
        long iterations = Iterations;
        var outcomes = new Dictionary<string, int>();
        var started = Stopwatch.StartNew();
        for (long i = 0; i < iterations; i++)
        {
            var pcg = new PCG((uint)i, Seed);
            (TBase basis, Mutation[] mutations) = gen.Generate(pcg, null!, out _);
            T value = build(basis, mutations);
            string outcome;
            try
            {
                outcome = Timed(value, check, inputBytes, stats);
            }
            catch (Exception failure)
            {
                string shrunk = failure is TimeoutException
                    ? "not shrunk (each attempt would take the time budget twice)"
                    : Shrink(basis, mutations, build, check, inputBytes, describe);
                throw new Xunit.Sdk.XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"case {i} (PCG stream {i} of seed {Seed}) breaks the loader contract: {failure.Message}{Environment.NewLine}input ({inputBytes(value):N0} bytes): {describe(value)}{Environment.NewLine}shrunk by CsCheck: {shrunk}"));
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{iterations} cases (seed {Seed}) in {started.Elapsed.TotalSeconds:F1} s; {stats}"));
        output.WriteLine("outcomes: " + string.Join(", ", outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        return outcomes;
    }

    /// <summary>Cases CsCheck tries when it shrinks a failure.</summary>
    public const int ShrinkIterations = 3000;

    /// <summary>
    /// Shrinks a failing case with CsCheck: <see cref="Near"/> generates cases of the same valid input with a subset of
    /// the failing edits, each shorter and repeated fewer times, so many of them still fail; their CsCheck size is the
    /// bytes they read (<see cref="SizedByInput{T}"/>), so
    /// <see cref="Check.Sample{T}(Gen{T}, Action{T}, Action{string}, string, long, int, int, Func{T, string}, ISampleLogger)"/>
    /// keeps the shortest failing input it finds and reports it with its CsCheck seed. Returns that report.
    /// </summary>
    private static string Shrink<TBase, T>(TBase basis, Mutation[] failing, Func<TBase, Mutation[], T> build, Func<T, string> check, Func<T, long> inputBytes, Func<T, string> describe)
    {
        try
        {
            new SizedByInput<T>(Near(failing).Select(mutations => build(basis, mutations)), inputBytes).Sample(v => { Timed(v, check, inputBytes, stats: null); },
                iter: ShrinkIterations, threads: 1, print: v => string.Create(CultureInfo.InvariantCulture, $"({inputBytes(v):N0} bytes) {describe(v)}"));
        }
        catch (Exception smaller)
        {
            return smaller.Message;
        }
        return $"no failing case among {ShrinkIterations} near it";
    }

    /// <summary>
    /// Non-empty subsets of <paramref name="failing"/> (at most 4 edits), each edit's length drawn between 1 and its own
    /// and a repeat's count between 1 and its own; positions, tokens and bits stay as they were, so the edits keep
    /// hitting the same places with the same bytes.
    /// </summary>
    public static Gen<Mutation[]> Near(Mutation[] failing)
    {
        const int Repeat = 4;
        Gen<Mutation?> Slot(int k) => k < failing.Length
            ? Gen.Select(Gen.Int[1, failing[k].Length], failing[k].Kind == Repeat ? Gen.Int[0, failing[k].Value % RepeatCounts] : Gen.Const(failing[k].Value),
                (length, value) => (Mutation?)(failing[k] with { Length = length, Value = value }))
            : Gen.Const((Mutation?)null);
        return Gen.Select(Gen.Int[1, (1 << failing.Length) - 1], Slot(0), Slot(1), Slot(2), Slot(3), (keep, a, b, c, d) =>
            new[] { a, b, c, d }.Where((m, k) => m is not null && (keep & (1 << k)) != 0).Select(m => m!.Value).ToArray());
    }

    /// <summary>Runs one case within its <see cref="TimeBudget"/> (a second run when the first is over it).</summary>
    private static string Timed<T>(T value, Func<T, string> check, Func<T, long> inputBytes, FuzzStats? stats)
    {
        long bytes = inputBytes(value);
        TimeSpan budget = TimeBudget(bytes);
        var watch = Stopwatch.StartNew();
        string outcome = check(value);
        TimeSpan elapsed = watch.Elapsed;
        if (elapsed > budget)
        {
            watch.Restart();
            outcome = check(value);
            TimeSpan again = watch.Elapsed;
            if (again > budget)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"took {elapsed.TotalMilliseconds:F0} ms and {again.TotalMilliseconds:F0} ms for {bytes:N0} bytes, more than the budget of {budget.TotalMilliseconds:F0} ms (not linear in the input)"));
            }
            elapsed = again;
        }
        stats?.RecordTime(elapsed, bytes);
        return outcome;
    }

    /// <summary>The outcome of a case that loaded; a check may return a longer kind of success that starts with it.</summary>
    public const string Loaded = "loaded";

    /// <summary>
    /// Requires that more than 1 case in 20 loaded and more than 1 in 20 failed, and that the cases reached more
    /// than <paramref name="distinctOutcomes"/> different outcomes, so that the suite exercises the loader's checks
    /// and its success path rather than one early rejection.
    /// </summary>
    public static void ShouldBeVaried(Dictionary<string, int> outcomes, int distinctOutcomes)
    {
        long total = outcomes.Values.Sum();
        long loaded = outcomes.Where(p => p.Key.StartsWith(Loaded, StringComparison.Ordinal)).Sum(p => (long)p.Value);
        loaded.ShouldBeGreaterThan(total / 20, "too few mutated inputs loaded");
        (total - loaded).ShouldBeGreaterThan(total / 20, "too few mutated inputs failed");
        outcomes.Count.ShouldBeGreaterThan(distinctOutcomes, "too few different outcomes");
    }

    /// <summary>An error's reason reduced to its words, for the tally: numbers, quoted names and paths removed.</summary>
    public static string Kind(string reason) => string.Join(' ', reason.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Where(w => !w.Any(char.IsAsciiDigit) && !w.Contains('\'', StringComparison.Ordinal) && !w.Contains('/', StringComparison.Ordinal) && !w.Contains('(', StringComparison.Ordinal)).Take(6));

    public static string Describe(Mutation[] mutations) => string.Join(" ", mutations.Select(m => m.ToString()));
}

/// <summary>A generator whose CsCheck size is the bytes its input reads, so that shrinking keeps the shortest failing input.</summary>
internal sealed class SizedByInput<T>(Gen<T> inner, Func<T, long> inputBytes) : Gen<T>
{
    public override T Generate(PCG pcg, Size? min, out Size size)
    {
        T value = inner.Generate(pcg, null, out _);
        size = new Size((ulong)inputBytes(value));
        return value;
    }
}

/// <summary>What a fuzz test measured over its cases, printed with its tally (the README's figures come from these lines).</summary>
internal sealed class FuzzStats
{
    /// <summary>Inputs at least this long count for <see cref="WorstPerByte"/>: below it the constant part of the bound dominates.</summary>
    public const long LargeInput = 64 * 1024;

    private double _worstPerByte;
    private long _worstPerByteInput;
    private long _mostAllocated;
    private long _mostAllocatedInput;
    private TimeSpan _slowest;
    private long _slowestInput;
    private long _largestInput;

    /// <summary>The most bytes allocated per input byte by a load of an input of at least <see cref="LargeInput"/> bytes.</summary>
    public double WorstPerByte => _worstPerByte;

    /// <summary>Fails when the load allocated more than <paramref name="perByte"/> bytes per input byte plus <paramref name="slack"/>; records the allocation.</summary>
    public void ShouldAllocateAtMost<T>(LoadOutcome<T> outcome, double perByte, long inputBytes, long slack = LoaderContract.Slack)
    {
        Record(outcome, inputBytes);
        outcome.ShouldAllocateAtMost(perByte, inputBytes, slack);
    }

    /// <summary>Records the allocation of a load of <paramref name="inputBytes"/> bytes (or characters).</summary>
    public void Record<T>(LoadOutcome<T> outcome, long inputBytes)
    {
        if (outcome.Allocated > _mostAllocated)
        {
            _mostAllocated = outcome.Allocated;
            _mostAllocatedInput = inputBytes;
        }
        if (inputBytes >= LargeInput && (double)outcome.Allocated / inputBytes > _worstPerByte)
        {
            _worstPerByte = (double)outcome.Allocated / inputBytes;
            _worstPerByteInput = inputBytes;
        }
    }

    public void RecordTime(TimeSpan elapsed, long inputBytes)
    {
        _largestInput = Math.Max(_largestInput, inputBytes);
        if (elapsed > _slowest)
        {
            _slowest = elapsed;
            _slowestInput = inputBytes;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"largest input {_largestInput:N0} bytes; slowest case {_slowest.TotalMilliseconds:F1} ms ({_slowestInput:N0} bytes); " +
        $"most allocated {_mostAllocated:N0} bytes ({_mostAllocatedInput:N0} input bytes); " +
        $"worst per byte at {LargeInput / 1024} KiB or more {_worstPerByte:F2} ({_worstPerByteInput:N0} input bytes)");
}
