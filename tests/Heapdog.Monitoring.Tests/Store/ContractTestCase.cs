using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>A contract fact whose skip reason is its class's static <c>SkipReason</c> (null: run).</summary>
public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase() { }

    public ContractTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.ToRuntimeType()
            .GetProperty("SkipReason", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy)?.GetValue(null) as string
        ?? base.GetSkipReason(factAttribute);
}
