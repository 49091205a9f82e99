import Explorer
import Testing
@testable import IOASIDModel

/// File-backed mappings on the machine itself: a memfd's pages are its mmapped user pages, a
/// revoked dma-buf leaves every domain and copies with it, a process's memory cannot be pinned
/// after it exits, and the new state survives the word encoding. The errno paths are the
/// scenarios of `models/iommufd-map-file.model` and the selftest's.
@Suite struct FileTests {
    typealias C = IOMMUFDConstants
    static let topology: Topology = {
        var t = Topology(iommus: [IOMMUSpec(name: "mock", preset: .mock)], devices: [DeviceSpec(name: "dev0", iommu: 0, group: 0)])
        t.memfds = [MemfdSpec(name: "mfd", size: 0x1_0000, va: 0x40_0000)]
        return t
    }()
    static let rw = C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE | C.IOMMU_IOAS_MAP_FIXED_IOVA
    static var mfd: UInt32 { topology.memfdFD(0) }

    static func attached(_ d: inout Fixture.Driver) -> UInt32 {
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.bind(device: 0, iommufd: nil, flags: 0))
        d.ok(.attach(device: 0, flags: 0, ptID: ioas, pasid: 0))
        return ioas
    }

    @Test func aMemfdMapsItsMmappedPages() {
        var d = Fixture.Driver(Self.topology)
        let ioas = Self.attached(&d)
        d.ok(.ioasMapFile(IOASMapFileArgs(flags: Self.rw, ioasID: ioas, fd: Self.mfd, start: 0x2000, length: 0x2000, iova: 0x100_0000)))
        let hwpt = d.state.attachments[0].hwpt
        // What the selftest checks with MD_CHECK_MAP on the mmapped memfd (check_mock_iova(mfd_buffer + …)).
        d.ok(.checkMockMap(hwptID: hwpt, iova: 0x100_0000, length: 0x2000, uptr: 0x40_2000))
        #expect(d.state.ioas(ioas)?.areas.first?.backing == .memfd(0))
        d.ok(.ftruncate(fd: Self.mfd, length: 0x1000))
        d.expect(.ioasMapFile(IOASMapFileArgs(flags: Self.rw, ioasID: ioas, fd: Self.mfd, start: 0, length: 0x2000, iova: 0x200_0000)), .EINVAL)
        d.ok(.ftruncate(fd: Self.mfd, length: 0x1_0000))
        #expect(d.state.fileSizes.isEmpty, "back at its declared size, the memfd needs no list")
        #expect(d.violation() == nil)
    }

    @Test func revokeTakesADmabufOutOfEveryDomainAndItsCopies() {
        var d = Fixture.Driver(Self.topology)
        let ioas = Self.attached(&d)
        let other = UInt32(d.ok(.ioasAlloc(flags: 0)))
        let fd = UInt32(d.ok(.dmabufGet(length: 0x4000, openFlags: 0)))
        d.ok(.ioasMapFile(IOASMapFileArgs(flags: Self.rw, ioasID: other, fd: fd, start: 0, length: 0x4000, iova: 0x100_0000)))
        d.ok(.ioasCopy(IOASCopyArgs(flags: Self.rw, dstIOASID: ioas, srcIOASID: other, length: 0x4000, dstIOVA: 0x100_0000, srcIOVA: 0x100_0000)))
        #expect(d.run(.translate(device: 0, pasid: 0, iova: 0x100_1000, access: .read)).principal == DmaBuf.base(0) + 0x1000)
        d.ok(.dmabufRevoke(fd: fd, revoked: 1))
        #expect(!d.run(.translate(device: 0, pasid: 0, iova: 0x100_1000, access: .read)).isSuccess)
        #expect(d.state.ioas(ioas)?.areas.allSatisfy(\.revoked) == true)
        #expect(d.violation() == nil, "a revoked area promises no translation")
        d.ok(.dmabufClose(fd: fd))
        #expect(d.state.dmabufs.count == 1, "the areas keep the buffer")
        d.ok(.ioasUnmap(ioasID: ioas, iova: 0, length: .max))
        d.ok(.destroy(id: other))
        #expect(d.state.dmabufs.isEmpty, "nothing holds the buffer: its slot is free")
    }

    @Test func theMemoryOfAnExitedProcessCannotBePinned() {
        for withDomain in [false, true] {
            var d = Fixture.Driver(Self.topology)
            let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
            if withDomain {
                d.ok(.bind(device: 0, iommufd: nil, flags: 0))
                d.ok(.attach(device: 0, flags: 0, ptID: ioas, pasid: 0))
            }
            var map = IOASMapArgs(flags: Self.rw, ioasID: ioas, iova: 0x100_0000, length: 0x1000, userVA: 0x20_0000)
            map.process = 1
            d.ok(.ioasMap(map))
            d.ok(.processExit(process: 1))
            d.expect(.processExit(process: 1), .EINVAL)
            if withDomain {
                #expect(d.run(.translate(device: 0, pasid: 0, iova: 0x100_0000, access: .read)).isSuccess, "pinned before the exit")
            } else {
                d.ok(.bind(device: 0, iommufd: nil, flags: 0))
                d.expect(.attach(device: 0, flags: 0, ptID: ioas, pasid: 0), .EFAULT)
            }
        }
    }

    @Test func theNewStateSurvivesTheEncoding() {
        var d = Fixture.Driver(Self.topology)
        let ioas = Self.attached(&d)
        let fd = UInt32(d.ok(.dmabufGet(length: 0x2000, openFlags: 0)))
        _ = d.ok(.dmabufGet(length: 0x1000, openFlags: 0))
        d.ok(.ioasMapFile(IOASMapFileArgs(flags: Self.rw, ioasID: ioas, fd: fd, start: 0, length: 0x2000, iova: 0x100_0000)))
        d.ok(.dmabufRevoke(fd: fd, revoked: 1))
        d.ok(.ioasMapFile(IOASMapFileArgs(flags: Self.rw, ioasID: ioas, fd: Self.mfd, start: 0, length: 0x1000, iova: 0x200_0000)))
        var map = IOASMapArgs(flags: Self.rw, ioasID: ioas, iova: 0x300_0000, length: 0x1000, userVA: 0x20_0000)
        map.process = 3
        d.ok(.ioasMap(map))
        d.ok(.processExit(process: 5))
        d.ok(.ftruncate(fd: Self.mfd, length: 0x8000))
        d.ok(.ioasUnmap(ioasID: ioas, iova: 0x300_0000, length: 0x1000))
        d.ok(.changeProcess(reserved: 0, process: 2))
        let decoded = d.state.roundTripped
        #expect(decoded == d.state)
        #expect(decoded.chargedProcess == 2 && decoded.exitedProcesses == 1 << 5 && decoded.fileSizes == [0x8000] && decoded.dmabufs.count == 2)
    }

    /// Seeded random walks over the file operations with attach, unmap, copy and the compat
    /// unmap: every invariant, the bookkeeping and the encoding after every step.
    @Test(arguments: [21, 22] as [UInt64])
    func walksThroughFilesKeepEveryInvariant(seed: UInt64) {
        var bounds = ExploreBounds()
        bounds.window = IOVARange(first: 0x100_0000, last: 0x100_7fff)
        bounds.lengths = [0x1000, 0x4000]
        bounds.objects["dmabuf"] = 2
        bounds.groups = ["ioas", "bind", "attach", "close", "map", "unmap", "copy", "map-file", "vfio-compat", "destroy", "translate"]
        let machine = IOMMUFD(topology: Self.topology)
        let walks = RandomWalks(machine: machine, space: ActionSpace(topology: machine.topology, bounds: bounds))
        guard let made = walks.run(seed: seed, walks: 600, steps: 12, start: { _ in machine.initialState }) else { return }
        for name in ["IOMMU_IOAS_MAP_FILE", "IOMMU_TEST_OP_DMABUF_REVOKE", "IOMMU_IOAS_CHANGE_PROCESS", "FTRUNCATE"] {
            #expect(made[name, default: 0] > 20, "the walks should succeed at \(name) (\(made[name, default: 0]) times)")
        }
    }
}
