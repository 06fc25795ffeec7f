namespace Heapdog.Processes.Tests;

public class KubeletPodsTests
{
    private const string Uid = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";

    [Theory]
    [InlineData("shop_checkout-7d9f8b6c5-x2k4p_" + Uid, "shop", "checkout-7d9f8b6c5-x2k4p")]
    [InlineData("kube-system_coredns-5d78c9869d-abcde_" + Uid, "kube-system", "coredns-5d78c9869d-abcde")]
    public void ParseDirectoryName_KubeletName_SplitsNamespacePodUid(string name, string ns, string pod)
    {
        var parsed = KubeletPods.ParseDirectoryName(name).ShouldNotBeNull();
        parsed.Namespace.ShouldBe(ns);
        parsed.Name.ShouldBe(pod);
        parsed.Uid.ShouldBe(Uid);
    }

    [Theory]
    [InlineData("lost+found")]
    [InlineData("a_b")]
    [InlineData("a__c")]
    [InlineData("a_b_c_d")]
    public void ParseDirectoryName_OtherName_ReturnsNull(string name) => KubeletPods.ParseDirectoryName(name).ShouldBeNull();

    [Fact]
    public void Find_ByUidWithOneContainer_NamesIt()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "pods", $"shop_checkout-1_{Uid}", "api"));
        Directory.CreateDirectory(Path.Combine(root.Path, "pods", "shop_other-1_11111111-2222-3333-4444-555555555555", "api"));
        var pod = KubeletPods.Find(Path.Combine(root.Path, "pods"), Uid, null, null).ShouldNotBeNull();
        pod.ShouldBe(new PodRef("shop", "checkout-1", Uid, "api"));
    }

    [Fact]
    public void Find_SeveralContainers_TellsThemApartByTheContainersLinks()
    {
        using var root = new TempDirectory();
        const string id = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
        string pods = Path.Combine(root.Path, "pods");
        Directory.CreateDirectory(Path.Combine(pods, $"shop_checkout-1_{Uid}", "api"));
        Directory.CreateDirectory(Path.Combine(pods, $"shop_checkout-1_{Uid}", "sidecar"));
        Directory.CreateDirectory(Path.Combine(root.Path, "containers"));
        File.WriteAllText(Path.Combine(root.Path, "containers", $"checkout-1_shop_sidecar-{id}.log"), "");
        KubeletPods.Find(pods, Uid, null, id).ShouldNotBeNull().ContainerName.ShouldBe("sidecar");
        KubeletPods.Find(pods, Uid, null, null).ShouldNotBeNull().ContainerName.ShouldBeNull();
    }

    [Fact]
    public void Find_ByHostnameOnly_FindsTheOnePodOfThatName()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, $"shop_checkout-1_{Uid}", "api"));
        KubeletPods.Find(root.Path, null, "checkout-1", null).ShouldNotBeNull().Namespace.ShouldBe("shop");
        KubeletPods.Find(root.Path, null, "nothing-like-it", null).ShouldBeNull();
    }

    [Fact]
    public void Find_MissingRoot_ReturnsNull() =>
        KubeletPods.Find("/nonexistent/pods", Uid, null, null).ShouldBeNull();
}
