import Testing
@testable import IOASIDModel

/// The scenario of `SPEC.md` §2, step by step, with the invariants after every step.
@Suite struct IOMMUFDExampleTests {
    @Test func specExampleScenarioBehavesAsWritten() {
        var d = Fixture.Driver()
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        #expect(a == 1)
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0x10000, length: 0x2000, userVA: 0x200000)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        let pt = d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0))
        #expect(pt == 3, "the auto HWPT takes the lowest free id after the IOAS (1) and the device (2)")
        #expect(d.run(.translate(device: Fixture.gpu, pasid: 0, iova: 0x11000, access: .write)).status == .address(0x201000))
        d.expect(.ioasUnmap(ioasID: a, iova: 0x10000, length: 0x1000), .ENOENT)
        #expect(d.run(.translate(device: Fixture.gpu, pasid: 0, iova: 0x30000, access: .read)).resultWord == "FAULT")
        #expect(d.violation() == nil)
    }
}

/// Numbers at the top of the address space: the kernel's own arithmetic, never a trap.
@Suite struct IOMMUFDBoundaryTests {
    /// Two areas covering all 2^64 bytes: the unmapped total wraps in the kernel's unsigned long
    /// (io_pagetable.c iopt_unmap_iova_range), so unmap-all reports 0 bytes; it used to trap.
    @Test func unmapAllOfTheWholeAddressSpaceReportsTheWrappedTotal() {
        var d = Fixture.Driver()
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0, length: 0 &- 0x2000, userVA: 0)))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0 &- 0x2000, length: 0x2000, userVA: 0)))
        let outcome = d.run(.ioasUnmap(ioasID: a, iova: 0, length: .max))
        #expect(outcome.isSuccess)
        #expect(outcome.principal == 0)
        #expect(d.state.ioas(a)?.areas.isEmpty == true)
    }

}
