import Testing
@testable import IOASIDModel

/// A hand-built proposal view, so that each invariant can be shown a broken state.
struct BrokenView: HardwareView {
    var topology: Topology
    var hardware: Hardware
    var intent: [DomainID: [Segment]] = [:]
    var dangling: [Violation] = []
    func intendedSegments(of domain: DomainID) -> [Segment]? { intent[domain] }
    func danglingReferences() -> [Violation] { dangling }
}

/// Every invariant can fail: each test builds a state that breaks exactly one rule.
@Suite struct InvariantTests {
    static let topology = Fixture.topology

    static func domain(iommu: Int = 0, preset: FormatPreset = .armLPAE4K, pageSizes: UInt64 = 0x1000 | 0x200000, enforce: Bool = false) -> (inout Hardware) -> DomainID {
        { hw in
            hw.allocateDomain { id in
                Domain(id: id, iommu: iommu, preset: preset, enforcesCoherency: enforce, dirtyTracking: false, stage: .stage1,
                       table: try! PageTable(format: preset.format, pageSizes: PageSizes(bitmap: pageSizes)))
            }
        }
    }

    @Test func aHealthyStateHasNoViolation() throws {
        var hw = Hardware()
        let d = Self.domain()(&hw)
        try hw.update(d) { dom throws(Errno) in try dom.table.map(iova: 0x10000, paddr: 0x200000, size: 0x1000, permissions: .readWrite) }
        hw.setRoute(group: 0, pasid: 0, domain: d)
        let view = BrokenView(topology: Self.topology, hardware: hw,
                              intent: [d: [Segment(range: IOVARange(first: 0x10000, last: 0x10fff), output: 0x200000, permissions: .readWrite)]])
        #expect(Invariants.firstViolation(in: view, checking: InvariantName.allCases) == nil)
    }

    @Test func translationCatchesALeafTheUserNeverMapped() throws {
        var hw = Hardware()
        let d = Self.domain()(&hw)
        try hw.update(d) { dom throws(Errno) in try dom.table.map(iova: 0x10000, paddr: 0x200000, size: 0x2000, permissions: .readWrite) }
        hw.setRoute(group: 0, pasid: 0, domain: d)
        let view = BrokenView(topology: Self.topology, hardware: hw,
                              intent: [d: [Segment(range: IOVARange(first: 0x10000, last: 0x10fff), output: 0x200000, permissions: .readWrite)]])
        let v = try #require(Invariants.check(.translation, in: view))
        #expect(v.address == 0x11000)
        #expect(v.expected == "no translation")
        #expect(v.found == "0x201000 rw")
    }

    @Test func translationCatchesAWriteOnlyMappingThatReadsOnAStageThatCannotExpressIt() throws {
        // ARM stage 1 lays write-only as read+write; the invariant expects exactly that, and a
        // table that kept it write-only (which the hardware cannot hold) is a violation.
        var hw = Hardware()
        let d = Self.domain()(&hw)
        try hw.update(d) { dom throws(Errno) in try dom.table.map(iova: 0x10000, paddr: 0x200000, size: 0x1000, permissions: .write, stage: .stage2) }
        hw.setRoute(group: 0, pasid: 0, domain: d)
        let view = BrokenView(topology: Self.topology, hardware: hw,
                              intent: [d: [Segment(range: IOVARange(first: 0x10000, last: 0x10fff), output: 0x200000, permissions: .write)]])
        #expect(Invariants.check(.translation, in: view)?.expected == "0x200000 rw")
    }

    @Test func translationCatchesAReservedRegionOnTheRIDRoute() throws {
        var hw = Hardware()
        let d = Self.domain(iommu: 1, preset: .vtdSL4)(&hw)
        try hw.update(d) { dom throws(Errno) in try dom.table.map(iova: 0xfee00000, paddr: 0x200000, size: 0x1000, permissions: .readWrite) }
        hw.setRoute(group: 2, pasid: 0, domain: d)
        let view = BrokenView(topology: Self.topology, hardware: hw,
                              intent: [d: [Segment(range: IOVARange(first: 0xfee00000, last: 0xfee00fff), output: 0x200000, permissions: .readWrite)]])
        let v = try #require(Invariants.check(.translation, in: view))
        #expect(v.summary.contains("reserved region"))
        #expect(v.objects.first == "dev igfx")
    }

    @Test func compatCatchesALeafSizeTheIOMMUCannotWalk() throws {
        var hw = Hardware()
        // A domain of smmu0's preset with 1G leaves allowed, routed to gpu whose IOMMU has 4K,2M only.
        let d = Self.domain(pageSizes: 0x1000 | 0x200000 | 0x4000_0000)(&hw)
        try hw.update(d) { dom throws(Errno) in try dom.table.map(iova: 0, paddr: 0, size: 0x4000_0000, permissions: .readWrite) }
        hw.setRoute(group: 0, pasid: 0, domain: d)
        let v = try #require(Invariants.check(.compat, in: BrokenView(topology: Self.topology, hardware: hw)))
        #expect(v.found == "a 1G leaf")
    }

    @Test func compatCatchesAnotherFormatAndLostCoherency() throws {
        var hw = Hardware()
        let d = Self.domain()(&hw)
        hw.setRoute(group: 2, pasid: 0, domain: d)  // igfx sits behind a VT-d unit
        #expect(Invariants.check(.compat, in: BrokenView(topology: Self.topology, hardware: hw))?.found == "arm-lpae-4k")
        var hw2 = Hardware()
        let e = Self.domain(iommu: 1, preset: .vtdSL4, enforce: true)(&hw2)
        hw2.setRoute(group: 2, pasid: 0, domain: e)
        #expect(Invariants.check(.compat, in: BrokenView(topology: Self.topology, hardware: hw2))?.summary.contains("coherency") == true)
    }

    @Test func pasidUniqueCatchesAPasidWiderThanTheDevice() throws {
        var hw = Hardware()
        let d = Self.domain()(&hw)
        hw.setRoute(group: 0, pasid: 1 << 20, domain: d)
        #expect(Invariants.check(.pasidUnique, in: BrokenView(topology: Self.topology, hardware: hw))?.expected == "PASID < 2^20")
    }

    @Test func pasidUniqueCatchesTwoDomainsAtOnePasid() throws {
        var hw = Hardware()
        let a = Self.domain()(&hw), b = Self.domain()(&hw)
        hw.addRoute(Route(group: 0, pasid: 3, domain: a))
        hw.addRoute(Route(group: 0, pasid: 3, domain: b))
        #expect(Invariants.check(.pasidUnique, in: BrokenView(topology: Self.topology, hardware: hw)) != nil)
    }

    @Test func pasidUniqueCatchesOneGuestSpaceAtTwoPasidsUnderVSVA() throws {
        var topology = Self.topology
        topology.vsvaDevices = [0, 1]
        topology.devices[1].pasidBits = 20
        var hw = Hardware()
        let a = Self.domain()(&hw)
        hw.addRoute(Route(group: 0, pasid: 3, domain: a))
        hw.addRoute(Route(group: 1, pasid: 4, domain: a))
        #expect(Invariants.check(.pasidUnique, in: BrokenView(topology: topology, hardware: hw))?.summary.contains("at two PASIDs") == true)
    }

    /// Under vSVA a guest process is its stage-1 table, not a domain: two nested domains over the
    /// same guest root (one per IOMMU) at one PASID are one address space, and at two PASIDs a
    /// violation.
    @Test func vsvaComparesNestedDomainsByTheirGuestTable() throws {
        var topology = Self.topology
        topology.vsvaDevices = [0, 1]
        topology.devices[1].pasidBits = 20
        func nested(_ hw: inout Hardware, parent: DomainID) -> DomainID {
            hw.allocateDomain { id in
                Domain(id: id, iommu: 0, preset: .armLPAE4K, enforcesCoherency: false, dirtyTracking: false, stage: .stage1,
                       table: try! PageTable(format: FormatPreset.armLPAE4K.format, rootAddress: 0x5000), parent: parent)
            }
        }
        var hw = Hardware()
        let parent = Self.domain()(&hw)
        let n1 = nested(&hw, parent: parent), n2 = nested(&hw, parent: parent)
        hw.addRoute(Route(group: 0, pasid: 3, domain: n1))
        hw.addRoute(Route(group: 1, pasid: 3, domain: n2))
        #expect(Invariants.check(.pasidUnique, in: BrokenView(topology: topology, hardware: hw)) == nil)
        hw.clearRoutes(group: 1, pasid: 3)
        hw.addRoute(Route(group: 1, pasid: 4, domain: n2))
        #expect(Invariants.check(.pasidUnique, in: BrokenView(topology: topology, hardware: hw))?.summary.contains("at two PASIDs") == true)
    }

    @Test func noOverlapCatchesTwoTablesAtOneAddress() throws {
        var hw = Hardware()
        let a = Self.domain()(&hw), b = Self.domain()(&hw)
        hw.addRoute(Route(group: 0, pasid: 0, domain: a, window: IOVARange(first: 0, last: 0xffff)))
        hw.addRoute(Route(group: 0, pasid: 0, domain: b, window: IOVARange(first: 0x8000, last: 0x17fff)))
        #expect(Invariants.check(.noOverlap, in: BrokenView(topology: Self.topology, hardware: hw))?.address == 0x8000)
        var disjoint = Hardware()
        let c = Self.domain()(&disjoint), e = Self.domain()(&disjoint)
        disjoint.addRoute(Route(group: 0, pasid: 0, domain: c, window: IOVARange(first: 0, last: 0x7fff)))
        disjoint.addRoute(Route(group: 0, pasid: 0, domain: e, window: IOVARange(first: 0x8000, last: 0xffff)))
        #expect(Invariants.check(.noOverlap, in: BrokenView(topology: Self.topology, hardware: disjoint)) == nil)
    }

    @Test func lifetimeCatchesARouteToAFreedDomain() throws {
        var hw = Hardware()
        let d = Self.domain()(&hw)
        hw.setRoute(group: 0, pasid: 0, domain: d)
        hw.freeDomain(d)
        #expect(hw.domain(d)?.freed == true)
        #expect(Invariants.check(.lifetime, in: BrokenView(topology: Self.topology, hardware: hw))?.summary.contains("freed domain") == true)
    }

    @Test func lifetimeReportsTheProposalsDanglingReferences() {
        let dangling = Violation(.lifetime, "a HWPT_PAGING still refers to its destroyed IOAS")
        let view = BrokenView(topology: Self.topology, hardware: Hardware(), dangling: [dangling])
        #expect(Invariants.check(.lifetime, in: view) == dangling)
    }

    /// `destroy-check = none` (H10): destroying an attached HWPT leaves hardware routing to a freed domain.
    @Test func destroyWithoutRefcountsBreaksLifetime() {
        var config = IOMMUFDConfig()
        config.destroyCheck = .none
        var d = Fixture.Driver(config: config)
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        let h = UInt32(d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0)))
        #expect(d.violation() == nil)
        d.machine.apply(.destroy(id: h), to: &d.state)
        #expect(d.violation()?.invariant == .lifetime)
    }
}

/// The IOTLB part of `translation` (`translation.md` §5).
@Suite struct IOTLBInvariantTests {
    @Test func theKernelInvalidatesOnUnmapSoTheIOTLBStaysCoherent() {
        var d = Fixture.Driver()
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0x10000, length: 0x1000, userVA: 0x200000)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0))
        #expect(d.run(.translate(device: Fixture.gpu, pasid: 0, iova: 0x10000, access: .read)).status == .address(0x200000))
        #expect(d.state.hardware.iotlb.entries.count == 1)
        d.ok(.ioasUnmap(ioasID: a, iova: 0x10000, length: 0x1000))
        #expect(d.state.hardware.iotlb.entries.isEmpty)
        #expect(d.run(.translate(device: Fixture.gpu, pasid: 0, iova: 0x10000, access: .read)).resultWord == "FAULT")
        #expect(d.violation() == nil)
    }

    @Test func aKernelEntryLeftBehindIsAViolation() throws {
        var d = Fixture.Driver()
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0x10000, length: 0x1000, userVA: 0x200000)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        let h = UInt32(d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0)))
        d.ok(.translate(device: Fixture.gpu, pasid: 0, iova: 0x10000, access: .read))
        // A deliberately wrong transition: the table changes but nothing syncs the IOTLB.
        let domain = try #require(d.state.domainID(ofHWPT: h))
        try d.state.hardware.update(domain) { dom throws(Errno) in dom.table.unmap(iova: 0x10000, size: 0x1000) }
        d.state.updateIOAS(a) { $0.areas.removeAll() }
        let v = try #require(d.violation([.translation]))
        #expect(v.summary == "a cached IOTLB entry disagrees with the page table")
    }
}
