import Explorer
import Testing
@testable import IOASIDModel

/// The VFIO container ioctls on the iommufd fd: that the vfio-type1 container under
/// `type1-impl = iommufd-compat` and the fd reach the same states by the same code, that a
/// failed compat unmap keeps its cuts, and that the compat IOAS survives the word encoding.
/// The errno paths are the scenarios of `models/iommufd-vfio-compat.model` and the selftest's.
@Suite struct VFIOCompatTests {
    typealias C = IOMMUFDConstants
    static let topology = Topology(
        iommus: [IOMMUSpec(name: "smmu", preset: .armLPAE4K, pageSizes: PageSizes([0x1000, 0x20_0000]))],
        devices: [DeviceSpec(name: "gpu", iommu: 0, group: 0)])
    static let rw = C.VFIO_DMA_MAP_FLAG_READ | C.VFIO_DMA_MAP_FLAG_WRITE

    /// The fd's way in: an IOAS made the compat one, the device attached, the type set.
    static func fdSetUp(_ d: inout Fixture.Driver, type: UInt64) -> UInt32 {
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_SET, ioasID: ioas, reserved: 0))
        d.ok(.bind(device: 0, iommufd: nil, flags: 0))
        d.ok(.attach(device: 0, flags: 0, ptID: ioas, pasid: 0))
        d.ok(.vfioSetIOMMU(arg: type))
        return ioas
    }

    /// Random MAP_DMA / UNMAP_DMA sequences through the container and through the fd: the same
    /// outcome at every step and the same kernel state after it.
    @Test(arguments: [C.VFIO_TYPE1_IOMMU, C.VFIO_TYPE1v2_IOMMU])
    func theContainerAndTheFdShareOneCodePath(type: UInt64) throws {
        var config = IOMMUFDConfig()
        config.type1Impl = .iommufdCompat
        config.type1Version = type == C.VFIO_TYPE1_IOMMU ? .v1 : .v2
        var d = Fixture.Driver(Self.topology, config: config)
        _ = Self.fdSetUp(&d, type: type)
        let machine = d.machine
        var container = Type1Container()
        var kernel = machine.initialState
        _ = try machine.vfioGroupSetContainer(group: 0, &container, &kernel)
        _ = try machine.vfioSetIOMMU(type: type, &container, &kernel)
        #expect(kernel == d.state, "set up the two ways, the kernel states differ")

        var rng = SplitMix64(state: type)
        let iovas: [UInt64] = (0..<8).map { 0x1_0000 + $0 * 0x1000 }
        var compared = 0, cuts = 0
        for _ in 0..<400 {
            let iova = iovas[rng.index(iovas.count)], size = UInt64(1 + rng.below(4)) * 0x1000
            let op: IOMMUFDOperation
            switch rng.below(5) {
            case 0, 1: op = .vfioMapDMA(argsz: 32, flags: Self.rw, vaddr: 0x20_0000 + iova, iova: iova, size: size)
            case 2, 3: op = .vfioUnmapDMA(argsz: 24, flags: 0, iova: iova, size: size)
            default: op = .vfioUnmapDMA(argsz: 24, flags: C.VFIO_DMA_UNMAP_FLAG_ALL, iova: 0, size: 0)
            }
            let areasBefore = d.state.ioas(container.ioasID)?.areas.count ?? 0
            let viaFd = d.run(op)
            let viaContainer: Outcome
            switch op {
            case .vfioMapDMA(_, let flags, let vaddr, let iova, let size):
                do { viaContainer = try machine.vfioMapDMA(vaddr: vaddr, iova: iova, size: size, flags: flags, container, &kernel) } catch { viaContainer = .errno(error) }
            case .vfioUnmapDMA(_, let flags, let iova, let size):
                var next = kernel
                let step = machine.vfioUnmapDMA(iova: iova, size: size, flags: flags, container, &next)
                if step.isSuccess || step.keepsPartialState { kernel = next }
                viaContainer = step.outcome
            default:
                Issue.record("unexpected \(op)")
                return
            }
            #expect(viaFd.status == viaContainer.status, "\(op)")
            #expect(viaFd.outputs == viaContainer.outputs, "\(op)")
            #expect(kernel == d.state, "after \(op)")
            if case .vfioUnmapDMA = op, (d.state.ioas(container.ioasID)?.areas.count ?? 0) > areasBefore { cuts += 1 }
            compared += 1
        }
        #expect(compared == 400)
        // Only TYPE1 cuts: the walk must have reached a cut for the comparison to cover it.
        #expect((cuts > 0) == (type == C.VFIO_TYPE1_IOMMU), "\(cuts) unmaps left more areas than they found")
    }

    /// iovas[] = { iova + size - 1, iova - 1 }: the first cut is made, the second refused, and
    /// the first stays (io_pagetable.c iopt_cut_iova does not undo it).
    @Test func aFailedUnmapKeepsTheCutsBeforeIt() {
        var d = Fixture.Driver(Self.topology)
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_SET, ioasID: ioas, reserved: 0))
        d.ok(.vfioSetIOMMU(arg: C.VFIO_TYPE1_IOMMU))
        d.ok(.vfioMapDMA(argsz: 32, flags: Self.rw, vaddr: 0x20_0000, iova: 0x1_0000, size: 0x4000))
        d.ok(.vfioMapDMA(argsz: 32, flags: Self.rw, vaddr: 0x30_0000, iova: 0x1_4000, size: 0x4000))
        let fd = UInt32(d.ok(.createAccess(ioasID: ioas, flags: C.MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)))
        d.ok(.accessPages(AccessPagesArgs(fd: fd, iova: 0x1_0000, length: 0x1000)))
        let outcome = d.run(.vfioUnmapDMA(argsz: 24, flags: 0, iova: 0x1_2000, size: 0x4000))
        #expect(outcome.status == .errno(.EINVAL))
        #expect(d.state.ioas(ioas)?.areas.map(\.range) == [IOVARange(first: 0x1_0000, last: 0x1_3fff), IOVARange(first: 0x1_4000, last: 0x1_5fff),
                                                           IOVARange(first: 0x1_6000, last: 0x1_7fff)])
        #expect(d.state.ioas(ioas)?.areas[2].userVA == 0x30_2000, "the tail keeps its place in the user memory")
        #expect(d.violation() == nil)
    }

    @Test func theCompatIOASIsEncodedAndGoesWithItsObject() {
        var d = Fixture.Driver(Self.topology)
        _ = d.ok(.ioasAlloc(flags: 0))
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_SET, ioasID: ioas, reserved: 0))
        let decoded = d.state.roundTripped
        #expect(decoded.vfioIOAS == ioas)
        #expect(decoded == d.state)
        #expect(d.state.describe(Self.topology).contains("VFIO compat IOAS: ioas \(ioas)"))
        d.ok(.destroy(id: ioas))
        #expect(d.state.vfioIOAS == 0)
        d.expect(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_GET, ioasID: 0, reserved: 0), .ENODEV)
        d.expect(.vfioMapDMA(argsz: 32, flags: Self.rw, vaddr: 0x20_0000, iova: 0x1_0000, size: 0x1000), .ENODEV)
    }

    /// Seeded random walks over the compat ioctls, direct maps, the huge-pages option, attach
    /// and accesses, from a compat IOAS: after every step every invariant holds, the bookkeeping
    /// matches, a failure changed nothing (but an unmap's), and the state survives the encoding.
    @Test(arguments: [11, 12] as [UInt64])
    func walksThroughTheCompatIoctlsKeepEveryInvariant(seed: UInt64) {
        var bounds = ExploreBounds()
        bounds.window = IOVARange(first: 0x1_0000, last: 0x1_7fff)
        bounds.lengths = [0x1000, 0x4000]
        bounds.groups = ["ioas", "bind", "attach", "close", "map", "unmap", "option", "access", "vfio-compat", "translate"]
        let machine = IOMMUFD(topology: Self.topology)
        let walks = RandomWalks(machine: machine, space: ActionSpace(topology: machine.topology, bounds: bounds))
        var cuts = 0
        let made = walks.run(seed: seed, walks: 300, steps: 10, start: { walk in
            var state = machine.initialState
            let ioas = UInt32(machine.apply(.ioasAlloc(flags: 0), to: &state).principal ?? 0)
            _ = machine.apply(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_SET, ioasID: ioas, reserved: 0), to: &state)
            // Half the walks run under TYPE1 from the start, where unmaps inside a mapping cut it.
            if walk % 2 == 1 { _ = machine.apply(.vfioSetIOMMU(arg: C.VFIO_TYPE1_IOMMU), to: &state) }
            return state
        }, check: { before, op, step in
            // An unmap that leaves more areas than it found has cut one.
            if case .vfioUnmapDMA = op, Self.areaCount(step.next) > Self.areaCount(before) { cuts += 1 }
            return nil
        })
        guard let made else { return }
        let compatSuccesses = made.filter { $0.key.hasPrefix("VFIO_") }.values.reduce(0, +)
        #expect(compatSuccesses > 300, "the walks should succeed through the compat ioctls")
        #expect(cuts > 0, "the walks should cut areas (TYPE1 or huge pages off)")
    }

    static func areaCount(_ s: IOMMUFDState) -> Int {
        s.objects.reduce(0) { n, o in
            if case .ioas(let x) = o.body { return n + x.areas.count }
            return n
        }
    }
}
