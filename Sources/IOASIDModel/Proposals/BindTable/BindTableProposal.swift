import Explorer

/// Bind a PASID table vs bind page tables, with memreserve (`domain/proposals.md` S3). Its state
/// is the kernel state it drives (stage 2 as an IOAS of an implicit container, the guest tables
/// as nested domains over it) and its own bookkeeping (`BindTableState`); its operations call the
/// shared io_pagetable and guest stage-1 code (`IOMMUFD+BindTable.swift`).
public struct BindTableProposal: Proposal {
    public struct State: Hashable, Sendable {
        public var kernel: IOMMUFDState
        public var table = BindTableState()
    }

    /// The kernel's view, plus what only this design knows: the guest is the authority on the
    /// tables it wrote, and a table bound from a reserve must stay inside one.
    public struct View: HardwareView {
        let base: IOMMUFDView
        let table: BindTableState
        public var topology: Topology { base.topology }
        public var hardware: Hardware { base.hardware }

        public func intendedSegments(of domain: DomainID) -> [Segment]? {
            if let promised = base.intendedSegments(of: domain) { return promised }
            // The guest's tables have no HWPT object: the guest is the authority on them too.
            guard let d = hardware.domain(domain), d.parent != nil else { return nil }
            return Segments.of(d.table)
        }

        public func danglingReferences() -> [Violation] {
            var out = base.danglingReferences()
            for d in table.reserveTables {
                guard let domain = hardware.domain(d), !table.reserves.contains(where: { $0.contains(domain.table.rootAddress) }),
                      let route = hardware.routes.first(where: { $0.domain == d }) else { continue }
                let device = topology.members(of: Int(route.group)).first ?? 0
                out.append(Violation(.lifetime, "a bound stage-1 table lives in GPA space the guest reclaimed",
                                     objects: Invariants.routeObjects(self, device: device, pasid: route.pasid, domain: d),
                                     address: domain.table.rootAddress, expected: "a table inside a memreserve", found: "no reserve holds it"))
            }
            return out
        }

        public func addressSpace(of domain: DomainID) -> AddressSpace { base.addressSpace(of: domain) }
    }

    public typealias Operation = BindTableOperation

    public static let name = "bind-table"
    public static let summary = "bind PASID table vs bind page tables with memreserve (S3)"
    public static let knobs: [DesignKnob] = [Knob.pasidTableOwner, .stage2PinTables, .unmapLargeLeaf, .destroyCheck].map {
        DesignKnob($0.rawValue, values: $0.values, default: $0.values[0], $0.explanation)
    }
    public static let features: Set<ModelFeature> = [.implicitContainer]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("table", "BIND_PASID_TABLE", isDefault: true, aliases: ["bind"]),
        ExploreGroup("entry", "GUEST_SET_PASID_ENTRY and ATTACH_PASID", isDefault: true, aliases: ["attach"]),
        ExploreGroup("map", "stage 2: VFIO_IOMMU_MAP_DMA (iova = GPA)", isDefault: true),
        ExploreGroup("unmap", "stage 2: VFIO_IOMMU_UNMAP_DMA", isDefault: true),
        ExploreGroup("reserve", "VIRTIO_IOMMU_T_MEMRESERVE, ADD_TABLE, REMOVE_TABLE and RECLAIM", isDefault: true, aliases: ["hwpt"]),
        ExploreGroup("guest-map", "the guest's GUEST_S1_MAP dev= pasid=", aliases: ["nested"]),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = []

    /// The kernel's shared code with the model's knobs, the explore bounds and the symmetry.
    let context: KernelContext

    public init(model: Model) { context = KernelContext(model: model) }

    public var topology: Topology { context.kernel.topology }
    public var initialState: State { State(kernel: context.kernel.initialState) }

    public func apply(_ op: BindTableOperation, to s: inout State) -> Outcome {
        var next = s
        let k = context.kernel
        // The two halves of the state are handed over separately, as two exclusive accesses.
        func run(_ body: (inout BindTableState, inout IOMMUFDState) throws(Errno) -> Outcome) -> IOMMUFD.Step {
            var table = next.table, kernel = next.kernel
            defer { next = State(kernel: kernel, table: table) }
            do { return IOMMUFD.Step(outcome: try body(&table, &kernel)) } catch { return IOMMUFD.Step(outcome: .errno(error)) }
        }
        let step: IOMMUFD.Step
        switch op {
        case .bindPasidTable(let d, _, let bits): step = run { b, s throws(Errno) in try k.bindPasidTable(device: d, pasidBits: bits, &b, &s) }
        case .guestSetPasidEntry(let d, let pasid, let root):
            step = run { b, s throws(Errno) in try k.guestSetPasidEntry(device: d, pasid: pasid, s1Root: root, &b, &s) }
        case .attachPasid(let d, let pasid): step = run { b, s throws(Errno) in try k.attachPasid(device: d, pasid: pasid, &b, &s) }
        case .memreserve(let gpa, let size): step = run { b, s throws(Errno) in try k.memreserve(gpa: gpa, size: size, &b, &s) }
        case .addTable(let d, let pasid, let root, let reserve):
            step = run { b, s throws(Errno) in try k.addTable(device: d, pasid: pasid, s1Root: root, reserve: reserve, &b, &s) }
        case .removeTable(let d, let pasid): step = run { b, s throws(Errno) in try k.removeTable(device: d, pasid: pasid, &b, &s) }
        case .reclaim(let gpa, let size): step = run { b, s throws(Errno) in try k.reclaim(gpa: gpa, size: size, &b, &s) }
        case .guestS1Map(let d, let pasid, let iova, let gpa, let length, let perms):
            step = run { b, s throws(Errno) in
                try k.guestS1MapPasid(device: d, pasid: pasid, iova: iova, gpa: gpa, length: length, permissions: perms, b, &s)
            }
        case .stage2Map(let vaddr, let gpa, let size, _):
            step = run { b, s throws(Errno) in try k.stage2Map(vaddr: vaddr, iova: gpa, size: size, &b, &s) }
        case .stage2Unmap(let gpa, let size, _): step = k.stage2Unmap(iova: gpa, size: size, next.table, &next.kernel)
        case .translate(let r): step = IOMMUFD.Step(outcome: k.translate(device: r.device, pasid: r.pasid, iova: r.iova, access: r.access, &next.kernel))
        }
        // A failure changes nothing, except the unmaps the kernel does not undo halfway.
        if step.isSuccess || step.keepsPartialState { s = next }
        return step.outcome
    }

    public func view(of state: State) -> View { View(base: IOMMUFDView(machine: context.kernel, state: state.kernel), table: state.table) }

    public func violation(of name: InvariantName, in state: State) -> Violation? { Invariants.check(name, in: view(of: state)) }

    public func advance(_ state: State, by op: BindTableOperation, coverage: Coverage<BindTableOperation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    /// By `ops` group: `table` binds each device's PASID table, `entry` points each explored PASID
    /// at one of two guest tables and attaches the host's own domain there, `map` / `unmap` edit
    /// stage 2 over the (GPA, length) pairs, `reserve` lends, uses and reclaims GPA space for
    /// tables, `guest-map` writes the guest's tables, `translate` probes every route.
    public func actions(of state: State, into out: inout ActionFamilies<BindTableOperation>) {
        let g = context.groupWords, probes = context.space.probes, pairs = context.space.pairs, pasids = context.space.bounds.pasids
        let tables = Array(probes.prefix(2))
        if g.contains("table") {
            for d in topology.devices.indices {
                out.append(.bindPasidTable(device: d, basePtr: probes.first ?? 0, pasidBits: UInt32(max(1, topology.pasidBits(of: d)))))
            }
        }
        if g.contains("entry") {
            for d in topology.devices.indices { for p in pasids {
                for root in tables { out.append(.guestSetPasidEntry(device: d, pasid: p, s1Root: root)) }
                out.append(.attachPasid(device: d, pasid: p))
            } }
        }
        if g.contains("map") {
            let rw = IOMMUFDConstants.VFIO_DMA_MAP_FLAG_READ | IOMMUFDConstants.VFIO_DMA_MAP_FLAG_WRITE
            let space = context.space
            out.append(pairs.count, by: space.vaCount) { p, va in
                .stage2Map(vaddr: space.userVA(for: pairs[p].iova, va), gpa: pairs[p].iova, size: pairs[p].length, flags: rw)
            }
        }
        if g.contains("unmap") { for (gpa, length) in pairs { out.append(.stage2Unmap(gpa: gpa, size: length, flags: 0)) } }
        if g.contains("reserve") {
            for (gpa, length) in pairs { out.append(.memreserve(gpa: gpa, size: length)) }
            for d in topology.devices.indices { for p in pasids {
                for r in state.table.reserves { for root in tables { out.append(.addTable(device: d, pasid: p, s1Root: root, reserve: r.first)) } }
                out.append(.removeTable(device: d, pasid: p))
            } }
            for r in state.table.reserves { out.append(.reclaim(gpa: r.first, size: r.length)) }
        }
        if g.contains("guest-map") {
            for d in topology.devices.indices { for p in pasids where !state.kernel.hardware.routes(group: topology.devices[d].group, pasid: p).isEmpty {
                // The GPAs whose whole length fits below the window's end: a prefix of the probes.
                for (iova, length) in pairs {
                    out.append(count: context.space.guestGPACount(length: length)) {
                        .guestS1Map(device: d, pasid: p, iova: iova, gpa: probes[$0], length: length, permissions: .readWrite)
                    }
                }
            } }
        }
        if g.contains("translate") { context.space.translateFamilies(state.kernel.hardware, into: &out) { .translate($0) } }
    }

    public static func actionBound(_ s: ActionSpace) -> Double? {
        let d = s.deviceCount, q = s.pasidCount, reserves = s.stepsBeforeExpansion
        return s.term("table", d) + s.term("entry", d * q * 3) + s.term("map", s.pairCount * s.vaCountD) + s.term("unmap", s.pairCount)
            + s.term("reserve", s.pairCount + d * q * (reserves * 2 + 1) + reserves) + s.term("guest-map", d * q * s.pairCount * s.probeCount)
            + s.term("translate", s.translateBound)
    }

    public func exceedsCaps(_ state: State) -> Bool { false }

    public func holds(_ atom: GoalAtom, in state: State) -> Bool { state.kernel.holds(atom, topology) }

    public func encode<W: WordSink>(_ state: State, into sink: inout W) {
        state.kernel.encode(into: &sink)
        state.table.encode(into: &sink)
    }

    public func decode(_ reader: inout WordReader) -> State? {
        State(kernel: IOMMUFDState.decode(&reader), table: BindTableState.decode(&reader))
    }

    public func unshared(_ state: State) -> State {
        var t = state.table
        t.delegated = t.delegated.map { $0 }
        t.reserves = t.reserves.map { $0 }
        t.hostDomains = t.hostDomains.map { $0 }
        t.reserveTables = t.reserveTables.map { $0 }
        return State(kernel: state.kernel.unshared(), table: t)
    }

    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { encode($0, into: &$1) },
                            signature: { s, d in s.kernel.signature(of: d, topology) &+ (s.table.delegated.contains(UInt16(topology.devices[d].group)) ? 1 : 0) }) { state, devices, groups in
            var renamed = State(kernel: state.kernel.permuted(devices: devices, groups: groups), table: state.table)
            renamed.table.delegated = state.table.delegated.map { UInt16(groups[Int($0)]) }.sorted()
            return renamed
        }
    }

    public func describe(_ state: State) -> [String] { ownLines(state.table) + state.kernel.describe(topology) }

    public func changes(from old: State, to new: State) -> [String] {
        IOMMUFDState.changes(own: old.table, new.table, ownLines, kernel: old.kernel, new.kernel, topology)
    }

    /// The delegated PASID tables and memreserves, in words.
    func ownLines(_ t: BindTableState) -> [String] {
        var out: [String] = []
        for g in t.delegated { out.append("group \(topology.groups[Int(g)]): PASID table bound") }
        for r in t.reserves { out.append("memreserve \(r)") }
        for d in t.hostDomains { out.append("domain \(d): the host's own") }
        for d in t.reserveTables { out.append("domain \(d): a guest table from a reserve") }
        return out
    }

    public func dot(_ state: State, violation: Violation?) -> String { DotPicture.render(state.kernel, topology, violation: violation) }

    /// The kernel's bookkeeping: `users` equals the references that exist.
    public func consistencyProblems(in state: State) -> [String] {
        guard context.kernel.config.destroyCheck == .refcount else { return [] }
        return IOMMUFDView(machine: context.kernel, state: state.kernel).refcountMismatches()
    }
}
