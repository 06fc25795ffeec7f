using Xunit.Sdk;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>
/// A fact of a store's tests, above all of <see cref="StoreContractTests"/> (run once per store): skipped, with the
/// reason, in a class whose store cannot run here (its static <c>SkipReason</c>, e.g. no PostgreSQL installed). A plain
/// <c>Skip</c> could not tell the classes apart, since they share the attribute through the base class.
/// </summary>
[XunitTestCaseDiscoverer("Heapdog.Monitoring.Tests.Store.ContractFactDiscoverer", "Heapdog.Monitoring.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;
