import Explorer
import Testing
@testable import IOASIDModel

/// vIOMMUs and vDEVICEs on the machine itself: the references they hold, what a device's unbind
/// does to its vDEVICE, and the word encoding of the new objects. The errno paths are the
/// scenarios of `models/iommufd-viommu*.model`.
@Suite struct VIOMMUTests {
    static let topology = Topology(
        iommus: [IOMMUSpec(name: "mock", preset: .mock, nesting: true), IOMMUSpec(name: "mock2", preset: .mock, nesting: true)],
        devices: [DeviceSpec(name: "dev0", iommu: 0, group: 0), DeviceSpec(name: "dev1", iommu: 0, group: 1),
                  DeviceSpec(name: "far", iommu: 1, group: 2)])
    static let selftest = IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST

    /// The selftest fixture's setup: an IOAS, dev0 bound, a nest parent, a vIOMMU over it and a
    /// nested HWPT through the vIOMMU.
    static func setUp(_ driver: inout Fixture.Driver) -> (ioas: UInt32, dev: UInt32, parent: UInt32, viommu: UInt32, nested: UInt32) {
        let ioas = UInt32(driver.ok(.ioasAlloc(flags: 0)))
        let dev = UInt32(driver.ok(.bind(device: 0, iommufd: nil, flags: 0)))
        let parent = UInt32(driver.ok(.hwptAlloc(HWPTAllocArgs(flags: IOMMUFDConstants.IOMMU_HWPT_ALLOC_NEST_PARENT, devID: dev, ptID: ioas))))
        let viommu = UInt32(driver.ok(.viommuAlloc(VIOMMUAllocArgs(type: selftest, devID: dev, hwptID: parent))))
        let nested = UInt32(driver.ok(.hwptAlloc(HWPTAllocArgs(flags: 0, devID: dev, ptID: viommu, s1Format: .mock, s1Root: 0x100_0000))))
        return (ioas, dev, parent, viommu, nested)
    }

    @Test func referencesFollowTheKernel() {
        var d = Fixture.Driver(Self.topology)
        let s = Self.setUp(&d)
        // viommu.c: the vIOMMU holds the parent; hw_pagetable.c: the nested HWPT holds the vIOMMU.
        #expect(d.state.object(s.parent)?.users == 1)
        #expect(d.state.object(s.viommu)?.users == 1)
        #expect(d.state.nested(s.nested)?.viommu == s.viommu)
        #expect(d.state.nested(s.nested)?.parent == s.parent)
        let vdev = UInt32(d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: s.dev, virtID: 0x99)))
        #expect(d.state.object(s.viommu)?.users == 2)
        d.expect(.destroy(id: s.viommu), .EBUSY)
        d.ok(.destroy(id: s.nested))
        d.ok(.destroy(id: vdev))
        d.ok(.destroy(id: s.viommu))
        #expect(d.state.object(s.parent)?.users == 0)
    }

    @Test func unbindTombstonesTheVDevice() {
        var d = Fixture.Driver(Self.topology)
        let s = Self.setUp(&d)
        let vdev = UInt32(d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: s.dev, virtID: 0x99)))
        d.ok(.attach(device: 0, flags: 0, ptID: s.nested, pasid: 0))
        d.ok(.close(device: 0))
        #expect(d.state.tombstones == [vdev])
        #expect(d.state.object(vdev) == nil)
        #expect(d.state.object(s.viommu)?.users == 1, "the nested HWPT's reference stays; the vDEVICE's went")
        d.expect(.destroy(id: vdev), .ENOENT)
        #expect(d.state.nextObjectID != vdev)
        #expect(d.violation() == nil)
        #expect(VDeviceInvariant.check(d.state, Self.topology) == nil)
    }

    @Test func keptVDeviceBreaksLifetime() {
        var config = IOMMUFDConfig()
        config.vdeviceTombstoned = false
        var d = Fixture.Driver(Self.topology, config: config)
        let s = Self.setUp(&d)
        d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: s.dev, virtID: 0x99))
        #expect(d.violation() == nil)
        d.ok(.close(device: 0))
        #expect(d.violation([.lifetime])?.summary == "a vDEVICE still names a device that was unbound")
    }

    @Test func sharedVirtualIDBreaksVDeviceInvariant() {
        var config = IOMMUFDConfig()
        config.vdeviceVirtIDChecked = false
        var d = Fixture.Driver(Self.topology, config: config)
        let s = Self.setUp(&d)
        let dev1 = UInt32(d.ok(.bind(device: 1, iommufd: nil, flags: 0)))
        d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: s.dev, virtID: 1))
        #expect(VDeviceInvariant.check(d.state, Self.topology) == nil)
        d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: dev1, virtID: 1))
        #expect(VDeviceInvariant.check(d.state, Self.topology)?.objects.first == "viommu \(s.viommu)")
        // One vDEVICE per device stays enforced even then.
        d.expect(.vdeviceAlloc(viommuID: s.viommu, devID: dev1, virtID: 2), .EEXIST)
    }

    @Test func hwQueueLocksItsPagesAndHoldsItsVIOMMU() {
        for locks in [true, false] {
            var config = IOMMUFDConfig()
            config.hwQueueLocksAreas = locks
            var d = Fixture.Driver(Self.topology, config: config)
            let s = Self.setUp(&d)
            d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: s.ioas, iova: 0x100_0000, length: 0x1000, userVA: 0x20_0000)))
            d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: s.ioas, iova: 0x100_1000, length: 0x1000, userVA: 0x20_1000)))
            // Half a page in the second area: the queue pins (and locks) that page only.
            let q = UInt32(d.ok(.hwQueueAlloc(HWQueueAllocArgs(viommuID: s.viommu, type: IOMMUFDConstants.IOMMU_HW_QUEUE_TYPE_SELFTEST,
                                                                index: 0, iova: 0x100_1800, length: 0x800))))
            #expect(d.state.object(s.viommu)?.users == 2)
            d.ok(.ioasUnmap(ioasID: s.ioas, iova: 0x100_0000, length: 0x1000))
            #expect(d.violation([.lifetime]) == nil)
            if locks {
                d.expect(.ioasUnmap(ioasID: s.ioas, iova: 0x100_1000, length: 0x1000), .EBUSY)
                d.ok(.destroy(id: q))
                #expect(d.state.object(s.viommu)?.users == 1)
            } else {
                d.ok(.ioasUnmap(ioasID: s.ioas, iova: 0x100_1000, length: 0x1000))
                #expect(d.violation([.lifetime])?.summary == "a HW queue's memory was unmapped while the IOMMU reads it")
            }
        }
    }

    /// Seeded random walks through every group on two mock instances: after each step the
    /// invariants hold (`vdevice` too), references match, the state survives its encoding, and a
    /// failed operation changed nothing but what the kernel keeps.
    @Test(arguments: [1, 2] as [UInt64])
    func randomWalksKeepEveryInvariant(seed: UInt64) {
        var bounds = ExploreBounds()
        bounds.window = IOVARange(first: 0x100_0000, last: 0x100_3fff)
        bounds.lengths = [0x1000, 0x2000]
        // The IOAS-side groups of issue 18 have walks of their own (VFIOCompatTests, FileTests).
        bounds.groups = Set(OperationGroup.allCases.map(\.rawValue)).subtracting(["dirty", "copy", "allow-iovas", "option", "auto-map",
                                                                                  "vfio-compat", "map-file", "test-pasid"])
        let machine = IOMMUFD(topology: Self.topology)
        let walks = RandomWalks(machine: machine, space: ActionSpace(topology: machine.topology, bounds: bounds))
        // Half the walks start from the selftest fixture's setup, which a random prefix seldom builds.
        var fixture = Fixture.Driver(Self.topology)
        let ioas = Self.setUp(&fixture).ioas
        fixture.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: ioas, iova: 0x100_0000, length: 0x4000, userVA: 0x20_0000)))
        let start = fixture.state
        guard let made = walks.run(seed: seed, walks: 400, steps: 14, start: { $0 % 2 == 0 ? machine.initialState : start },
                                   check: { _, _, step in VDeviceInvariant.check(step.next, Self.topology).map { "\($0)" } }) else { return }
        for name in ["IOMMU_VIOMMU_ALLOC", "IOMMU_VDEVICE_ALLOC", "IOMMU_HW_QUEUE_ALLOC", "IOMMU_HWPT_INVALIDATE", "GUEST_S1_MAP"] {
            #expect(made[name, default: 0] > 5, "the walks should succeed at \(name) (\(made[name, default: 0]) times; \(made))")
        }
    }

    @Test func encodingKeepsTheNewObjects() {
        var d = Fixture.Driver(Self.topology)
        let s = Self.setUp(&d)
        d.ok(.vdeviceAlloc(viommuID: s.viommu, devID: s.dev, virtID: .max))
        let far = UInt32(d.ok(.bind(device: 2, iommufd: nil, flags: 0)))
        d.ok(.vdeviceAlloc(viommuID: UInt32(d.ok(.viommuAlloc(VIOMMUAllocArgs(type: Self.selftest, devID: far, hwptID: s.parent)))),
                           devID: far, virtID: 0x1234_5678_9abc))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: s.ioas, iova: 0x100_0000, length: 0x2000, userVA: 0x20_0000)))
        let queue = HWQueueAllocArgs(viommuID: s.viommu, type: IOMMUFDConstants.IOMMU_HW_QUEUE_TYPE_SELFTEST, index: 0, iova: 0x100_0800, length: 0x1000)
        d.ok(.hwQueueAlloc(queue))
        d.ok(.hwQueueAlloc(HWQueueAllocArgs(viommuID: s.viommu, type: queue.type, index: 1, iova: 0x100_0000, length: 1)))
        d.ok(.close(device: 0))
        #expect(!d.state.tombstones.isEmpty)
        let decoded = d.state.roundTripped
        #expect(decoded == d.state)
    }
}
