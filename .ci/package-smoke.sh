#!/usr/bin/env bash
# Package smoke test: "add one package, annotate, build" works for a consumer that has never seen this repository.
# Packs src/StaticNN into a local folder feed, creates a fresh console project elsewhere, adds the package from that
# feed, declares a network in Program.cs, builds it with warnings as errors and runs it.
# The consumer restores into its own NUGET_PACKAGES folder, so a stale StaticNN in the machine's cache cannot mask a
# broken package, and a package source mapping takes StaticNN from the local feed only (never from a public one).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/staticnn-package-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
feed=$work/feed
app=$work/Consumer
packages=$work/nuget-packages
mkdir -p "$feed" "$app" "$packages"

version=$(dotnet msbuild src/StaticNN/StaticNN.csproj -getProperty:Version)
echo "== pack StaticNN $version into $feed"
dotnet pack src/StaticNN -c Release -o "$feed" --nologo -v:q

nupkg=$feed/StaticNN.$version.nupkg
listing=$(unzip -Z1 "$nupkg")
for entry in lib/net10.0/StaticNN.dll lib/net10.0/StaticNN.xml analyzers/dotnet/cs/StaticNN.Generator.dll build/StaticNN.targets buildTransitive/StaticNN.targets PACKAGE.md; do
    grep -qx "$entry" <<<"$listing" || { echo "FAIL: $entry is missing from $nupkg"; echo "$listing"; exit 1; }
done
[[ -f $feed/StaticNN.$version.snupkg ]] || { echo "FAIL: no symbol package StaticNN.$version.snupkg"; exit 1; }
if unzip -p "$nupkg" StaticNN.nuspec | grep -qi '<dependency id="StaticNN.Generator"'; then
    echo "FAIL: the nuspec names the generator (it must not be a dependency)"; exit 1
fi
echo "package contents OK:"
sed 's/^/    /' <<<"$listing"

echo "== fresh consumer project in $app"
cd "$app"
dotnet new console --framework net10.0 --name Consumer --output . --no-restore >/dev/null
# The local feed first, then nuget.org (the default source; dependencies such as System.Numerics.Tensors come from it).
cat > nuget.config <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="StaticNN" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
EOF
export NUGET_PACKAGES=$packages
dotnet add package StaticNN --version "$version"

cat > Program.cs <<'EOF'
using System;
using System.IO;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Training;

// XOR with the packaged runtime (training, Predict, safetensors) and the packaged generator (XorNet's code).
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];
var net = new XorNet(seed: 1);
History history = net.Fit(new Dataset(inputs, 2, targets, 1), new FitOptions
{
    Epochs = 1500,
    BatchSize = 4,
    Optimizer = new Adam(learningRate: 0.05f),
    Seed = 1,
});
Console.WriteLine($"{XorNet.ParameterCount} parameters, {history.Epochs.Count} epochs, final loss {history.Epochs[^1].Loss:F4}");

// Saved next to the project: the second build bakes this file into the assembly.
string path = Path.Combine(Environment.CurrentDirectory, "xor.safetensors");
net.Save(path);
var loaded = new XorNet(seed: 99);
loaded.Load(path);

int correct = 0;
Span<float> y = stackalloc float[XorNet.OutputSize];
for (int i = 0; i < 4; i++)
{
    loaded.Predict(inputs.AsSpan(i * 2, 2), y);
    bool ok = (y[0] > 0.5f) == (targets[i] > 0.5f);
    correct += ok ? 1 : 0;
    Console.WriteLine($"xor({inputs[i * 2]}, {inputs[i * 2 + 1]}) = {y[0]:F3}{(ok ? "" : "  WRONG")}");
}

long before = GC.GetAllocatedBytesForCurrentThread();
for (int i = 0; i < 1000; i++)
{
    loaded.Predict(inputs.AsSpan((i & 3) * 2, 2), y);
}
long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
Console.WriteLine($"allocated by 1000 Predict calls: {allocated} bytes");

bool pass = correct == 4 && allocated == 0;
Console.WriteLine(pass ? "package smoke test: OK" : "package smoke test: FAILED");
return pass ? 0 : 1;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class XorNet;
EOF

echo "== build (TreatWarningsAsErrors) and run"
dotnet build -c Release --nologo -v:q -p:TreatWarningsAsErrors=true -p:EmitCompilerGeneratedFiles=true
generated=$(find obj -path '*generated/StaticNN.Generator*' -name '*.g.cs' | wc -l)
(( generated > 0 )) || { echo "FAIL: the package's generator emitted no files"; exit 1; }
[[ ! -e bin/Release/net10.0/StaticNN.Generator.dll ]] || { echo "FAIL: the generator was copied to the output"; exit 1; }
[[ -d $packages/staticnn/$version ]] || { echo "FAIL: StaticNN was not restored into the isolated package folder"; exit 1; }
output=$(dotnet run -c Release --no-build)
echo "$output"
grep -qx 'package smoke test: OK' <<<"$output" || { echo "FAIL: unexpected output"; exit 1; }
[[ -f xor.safetensors ]] || { echo "FAIL: the program did not save xor.safetensors"; exit 1; }

echo "== bake the saved weights into a second build ([Network(Weights = ...)] through the package's build targets)"
sed -i 's|</Project>|  <ItemGroup>\n    <AdditionalFiles Include="xor.safetensors" />\n  </ItemGroup>\n</Project>|' Consumer.csproj
cat > Program.cs <<'EOF'
using System;
using StaticNN;

// The baked network must be exactly the one loaded from the file at run time.
BakedXorNet baked = BakedXorNet.CreatePretrained();
var loaded = new BakedXorNet();
loaded.Load("xor.safetensors");
bool same = baked.Parameters.SequenceEqual(loaded.Parameters);
Span<float> a = stackalloc float[1];
Span<float> b = stackalloc float[1];
foreach ((float x0, float x1) in new[] { (0f, 0f), (0f, 1f), (1f, 0f), (1f, 1f) })
{
    baked.Predict([x0, x1], a);
    loaded.Predict([x0, x1], b);
    same &= a[0] == b[0];
    Console.WriteLine($"baked xor({x0}, {x1}) = {a[0]:F3}");
}
Console.WriteLine(same ? "baked weights: OK" : "baked weights: DIFFERENT from the file");
return same ? 0 : 1;

[Network(Loss = Loss.BinaryCrossEntropy, Weights = "xor.safetensors")]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class BakedXorNet;
EOF
dotnet build -c Release --nologo -v:q -p:TreatWarningsAsErrors=true
compgen -G 'obj/Release/net10.0/staticnn/xor.safetensors.*.base64' >/dev/null || { echo "FAIL: the build targets did not encode xor.safetensors"; exit 1; }
output=$(dotnet run -c Release --no-build)
echo "$output"
grep -qx 'baked weights: OK' <<<"$output" || { echo "FAIL: unexpected output"; exit 1; }
echo "== package smoke test passed ($generated generated files from the packaged generator; weights baked through the package's build targets)"
