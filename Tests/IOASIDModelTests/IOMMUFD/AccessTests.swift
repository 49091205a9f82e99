import Explorer
import Testing
@testable import IOASIDModel

/// Emulated devices' accesses and the selftest's reserved ranges on the machine itself: the
/// references and alignment an access brings, what an unmap does to its pins under each
/// driver, and the word encoding of the new state. The errno paths are the scenarios of
/// `models/iommufd-access.model`, `models/iommufd-reserved.model` and the selftest's.
@Suite struct AccessTests {
    static let topology = Topology(
        iommus: [IOMMUSpec(name: "mock", preset: .mock)],
        devices: [DeviceSpec(name: "dev0", iommu: 0, group: 0)])
    static let pin = IOMMUFDConstants.MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES

    /// An IOAS with two pages mapped at 0x100_0000, and an access that pins pages on it.
    static func setUp(_ d: inout Fixture.Driver) -> (ioas: UInt32, fd: UInt32) {
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        let fd = UInt32(d.ok(.createAccess(ioasID: ioas, flags: pin)))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: ioas, iova: 0x100_0000, length: 0x2000, userVA: 0x20_0000)))
        return (ioas, fd)
    }

    @Test func anAccessHoldsItsIOASAndRaisesItsAlignment() {
        var d = Fixture.Driver(Self.topology)
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        #expect(d.machine.alignment(of: ioas, d.state) == 1)
        let reader = UInt32(d.ok(.createAccess(ioasID: ioas, flags: 0)))
        #expect(d.machine.alignment(of: ioas, d.state) == 1, "an access that only reads and writes asks for nothing")
        let pinner = UInt32(d.ok(.createAccess(ioasID: ioas, flags: Self.pin)))
        #expect(d.machine.alignment(of: ioas, d.state) == 0x1000)
        #expect(d.state.object(ioas)?.users == 2)
        d.expect(.destroy(id: ioas), .EBUSY)
        d.ok(.accessClose(fd: pinner))
        d.ok(.accessClose(fd: reader))
        #expect(d.machine.alignment(of: ioas, d.state) == 1)
        d.ok(.destroy(id: ioas))
    }

    @Test func unmapWaitsForTheDriverOrGivesUp() {
        for unpins in [true, false] {
            var config = IOMMUFDConfig()
            config.accessDriverUnpins = unpins
            var d = Fixture.Driver(Self.topology, config: config)
            let s = Self.setUp(&d)
            let item = UInt32(d.ok(.accessPages(AccessPagesArgs(fd: s.fd, iova: 0x100_1000, length: 0x1000))))
            let outcome = d.run(.ioasUnmap(ioasID: s.ioas, iova: 0x100_0000, length: 0x2000))
            if unpins {
                #expect(outcome.isSuccess)
                d.expect(.destroyAccessPages(fd: s.fd, itemID: item), .ENOENT)
            } else {
                #expect(outcome.status == .errno(.EDEADLOCK))
                // The fence stays: no access may pin or read the area again.
                #expect(d.state.ioas(s.ioas)?.areas.first?.preventAccess == true)
                d.expect(.accessRW(AccessRWArgs(fd: s.fd, iova: 0x100_0000, length: 4)), .EINVAL)
                d.ok(.destroyAccessPages(fd: s.fd, itemID: item))
                #expect(d.state.ioas(s.ioas)?.areas.count == 1)
            }
            #expect(d.violation() == nil)
        }
    }

    @Test func aReplaceUnderADriverThatKeepsPinsBreaksLifetime() {
        var config = IOMMUFDConfig()
        config.accessDriverUnpins = false
        var d = Fixture.Driver(Self.topology, config: config)
        let s = Self.setUp(&d)
        let other = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.accessPages(AccessPagesArgs(fd: s.fd, iova: 0x100_0000, length: 0x2000)))
        d.ok(.accessReplaceIOAS(fd: s.fd, ioasID: other))
        #expect(d.violation() == nil, "the pages are still mapped")
        d.ok(.destroy(id: s.ioas))
        #expect(d.violation([.lifetime])?.summary == "an access pins pages that are no longer mapped")
    }

    @Test func selftestReservedRangesShapeTheIOAS() {
        var d = Fixture.Driver(Self.topology)
        let ioas = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.addReserved(ioasID: ioas, start: 0x1000, length: 0x1000))
        #expect(d.machine.reserved(of: ioas, d.state) == [IOVARange(first: 0x1000, last: 0x1fff)])
        #expect(d.machine.meetsReserved(IOVARange(first: 0x1800, last: 0x27ff), of: ioas, d.state))
        #expect(!d.machine.meetsReserved(IOVARange(first: 0x2000, last: 0x2fff), of: ioas, d.state))
        let iova = d.ok(.ioasMap(IOASMapArgs(flags: IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE, ioasID: ioas, length: 0x1000, userVA: 0x20_0000)))
        #expect(iova == 0x2000, "the lowest hole above PAGE_SIZE past the reserved page")
        d.expect(.addReserved(ioasID: ioas, start: 0x2000, length: 0x1000), .EADDRINUSE)
    }

    /// The new fields survive the word encoding the frontier and checkpoints use.
    @Test func encodingKeepsAccessesFencesAndReservedRanges() {
        var config = IOMMUFDConfig()
        config.accessDriverUnpins = false
        var d = Fixture.Driver(Self.topology, config: config)
        let s = Self.setUp(&d)
        d.ok(.addReserved(ioasID: s.ioas, start: 0x200_0000, length: 0x1000))
        d.ok(.accessPages(AccessPagesArgs(fd: s.fd, iova: 0x100_1000, length: 0x1000)))
        d.ok(.accessPages(AccessPagesArgs(fd: s.fd, iova: 0x100_0000, length: 0x2000)))
        _ = d.run(.ioasUnmap(ioasID: s.ioas, iova: 0x100_0000, length: 0x2000))
        let decoded = d.state.roundTripped
        #expect(decoded == d.state)
        #expect(decoded.ioas(s.ioas)?.testReserved == [IOVARange(first: 0x200_0000, last: 0x200_0fff)])
        guard case .access(let a)? = decoded.objects.first(where: { $0.body.kindName == "ACCESS" })?.body else {
            Issue.record("the access did not survive")
            return
        }
        #expect(a.items.map(\.id) == [0, 1])
        #expect(a.nextItem == 2)
    }
}
