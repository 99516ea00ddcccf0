using System.Globalization;
using System.Text;

namespace StaticNN.Training;

/// <summary>The Keras-style text of the training results: <c>" - name 0.1234"</c> per measured metric.</summary>
internal static class MetricText
{
    /// <summary>Appends <c>" - {name} {value}"</c> with four decimals, or nothing when the metric was not measured (NaN).</summary>
    public static StringBuilder AppendMeasured(this StringBuilder text, string name, float value) =>
        float.IsNaN(value) ? text : text.Append(CultureInfo.InvariantCulture, $" - {name} {value:0.0000}");
}
