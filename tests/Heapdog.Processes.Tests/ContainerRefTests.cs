namespace Heapdog.Processes.Tests;

public class ContainerRefTests
{
    private const string Id = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
    private const string Uid = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
    private const string UidUnderscored = "0a1b2c3d_4e5f_6071_8293_a4b5c6d7e8f9";

    [Theory]
    // docker: cgroupfs driver (v1), systemd driver (v1 and v2)
    [InlineData("/docker/" + Id, "docker", null)]
    [InlineData("/system.slice/docker-" + Id + ".scope", "docker", null)]
    // kubelet cgroupfs driver: a bare id under the pod (containerd or docker), CRI-O's prefixed one
    [InlineData("/kubepods/burstable/pod" + Uid + "/" + Id, null, Uid)]
    [InlineData("/kubepods/pod" + Uid + "/" + Id, null, Uid)]
    [InlineData("/kubepods/besteffort/pod" + Uid + "/crio-" + Id, "cri-o", Uid)]
    // kubelet systemd driver (v1 and v2 alike): containerd, CRI-O, dockershim
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscored + ".slice/cri-containerd-" + Id + ".scope", "containerd", Uid)]
    [InlineData("/kubepods.slice/kubepods-pod" + UidUnderscored + ".slice/cri-containerd-" + Id + ".scope", "containerd", Uid)]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscored + ".slice/crio-" + Id + ".scope", "cri-o", Uid)]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscored + ".slice/docker-" + Id + ".scope", "docker", Uid)]
    // podman: systemd (rootful, rootless, with the container/ sub-group of --cgroups=split), cgroupfs
    [InlineData("/machine.slice/libpod-" + Id + ".scope", "podman", null)]
    [InlineData("/machine.slice/libpod-" + Id + ".scope/container", "podman", null)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope", "podman", null)]
    [InlineData("/libpod_parent/libpod-" + Id, "podman", null)]
    [InlineData("/libpod_parent/" + Id, "podman", null)]
    // containerd without Kubernetes: nerdctl's systemd scope
    [InlineData("/system.slice/nerdctl-" + Id + ".scope", "containerd", null)]
    public void Parse_RuntimePathShapes_FindsContainer(string path, string? runtime, string? podUid)
    {
        var found = ContainerRef.Parse(path).ShouldNotBeNull();
        found.ContainerId.ShouldBe(Id);
        found.Runtime.ShouldBe(runtime);
        found.PodUid.ShouldBe(podUid);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/user.slice/user-1000.slice/session-3.scope")]
    [InlineData("/system.slice/app.service")]
    [InlineData("/process_api/e63f7d8c4c6230187868c1d9c6aee78b")]
    // CRI-O's monitor process sits beside the container, and is not it.
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscored + ".slice/crio-conmon-" + Id + ".scope")]
    // A pod's own group (its pause container's parent) is not a container.
    [InlineData("/kubepods/burstable/pod" + Uid)]
    // Upper-case or short hex is not an id a runtime writes.
    [InlineData("/docker/3F2A9C1B7D4E")]
    public void Parse_NoContainerInPath_ReturnsNull(string path) => ContainerRef.Parse(path).ShouldBeNull();

    [Fact]
    public void FromCgroupFile_HybridV1Host_ReadsAnyHierarchy()
    {
        var entries = CgroupMemory.ParseCgroupFile(
            "12:memory:/kubepods/burstable/pod" + Uid + "/" + Id + "\n" +
            "1:name=systemd:/kubepods/burstable/pod" + Uid + "/" + Id + "\n" +
            "0::/\n");
        var found = ContainerRef.FromCgroupFile(entries).ShouldNotBeNull();
        found.ContainerId.ShouldBe(Id);
        found.PodUid.ShouldBe(Uid);
    }

    [Fact]
    public void FromCgroupFile_V2Line_WinsOverV1()
    {
        const string other = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var entries = CgroupMemory.ParseCgroupFile("4:memory:/docker/" + other + "\n0::/system.slice/docker-" + Id + ".scope\n");
        ContainerRef.FromCgroupFile(entries).ShouldNotBeNull().ContainerId.ShouldBe(Id);
    }
}
