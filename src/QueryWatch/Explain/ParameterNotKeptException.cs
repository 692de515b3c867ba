namespace QueryWatch.Explain;

/// <summary>A captured parameter's value was not kept (<see cref="OmittedParameterValue"/>), so the statement cannot be explained with its values.</summary>
internal sealed class ParameterNotKeptException(string parameterName)
    : InvalidOperationException("The value of parameter '" + parameterName + "' was not kept at capture (over MaxCapturedParameterBytes, or a consumed stream).");
