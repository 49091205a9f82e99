import Testing
@testable import IOASIDModel

/// The size checks of `iommufd_fops_ioctl` in front of every iommufd ioctl: a struct shorter than
/// its mandatory part is EINVAL, non-zero bytes past the kernel's struct E2BIG, zero ones harmless.
@Suite struct StructSizeTests {
    @Test(arguments: IOMMUFDOperation.Kind.allCases)
    func everySizedIoctlTakesSizeAndTrailing(kind: IOMMUFDOperation.Kind) {
        let spec = IOMMUFDOperation.catalog.spec(kind)
        guard let sizes = IoctlStructSize.of(kind) else {
            #expect(spec.fields["size"] == nil || spec.name.hasPrefix("VFIO_"), "\(spec.name) has no struct size table entry")
            return
        }
        #expect(sizes.minimum <= sizes.size && sizes.minimum >= 8, "\(spec.name)")
        #expect(spec.fields["size"] == .u32 && spec.fields["trailing"] == .u32, "\(spec.name) should take size= and trailing=")
    }

    @Test func theChecksComeBeforeTheIoctl() {
        var d = Fixture.Driver()
        let destroy = IOMMUFDOperation.destroy(id: 0)
        d.expect(.sized(destroy, size: 7, trailing: 0), .EINVAL)
        d.expect(.sized(destroy, size: 9, trailing: 0xff), .E2BIG)
        d.expect(.sized(destroy, size: 9, trailing: 0), .ENOENT)
        // The short struct is refused before the allocation that would have succeeded.
        d.expect(.sized(.ioasAlloc(flags: 0), size: 11, trailing: 0), .EINVAL)
        #expect(d.state.objects.isEmpty)
        let id = d.ok(.sized(.ioasAlloc(flags: 0), size: 64, trailing: 0))
        #expect(d.state.object(UInt32(id)) != nil)
    }

    @Test func aSizedStepReadsBackAsItself() {
        let op = IOMMUFDOperation.sized(.ioasUnmap(ioasID: 1, iova: 0x1000, length: 0x1000), size: 25, trailing: 3)
        #expect(op.reparsed(Fixture.topology) == op)
        #expect(op.kind == .ioasUnmap)
    }

    /// VFIO's MAP_DMA and UNMAP_DMA have a `size` of their own, which is no struct size.
    @Test func vfiosOwnSizeIsNoStructSize() {
        let map = IOMMUFDOperation.vfioMapDMA(argsz: 32, flags: 3, vaddr: 0x20_0000, iova: 0x1000, size: 0x1000)
        let unmap = IOMMUFDOperation.vfioUnmapDMA(argsz: 24, flags: 0, iova: 0x1000, size: 0x1000)
        #expect(map.reparsed(Fixture.topology) == map)
        #expect(unmap.reparsed(Fixture.topology) == unmap)
    }
}
