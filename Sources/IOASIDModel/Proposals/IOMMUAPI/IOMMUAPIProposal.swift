import Explorer

/// The in-kernel IOMMU API as argued in 2015 (`domain/proposals.md` S2): a kernel user allocates
/// a domain, attaches devices to it and maps physical memory, with no uAPI object in between. Its
/// state is the hardware alone. The user is the kernel itself, so a domain's table is its own
/// intent: what can go wrong is which IOMMUs walk it (`compat`) and freeing it under a device
/// (`lifetime`).
///
/// `pgsize-source = ops` is the design before the 2015 pull: page sizes were a property of the
/// driver's ops — the union over every unit the driver runs — not of the domain, so a domain may
/// hold leaves its own IOMMU cannot walk. `domain` (the default) takes them from the domain's IOMMU.
public struct IOMMUAPIProposal: Proposal {
    public struct State: Hashable, Sendable {
        public var hardware = Hardware()
    }

    /// The kernel user makes no promise beyond its own tables: nothing to compare them with,
    /// and no object to dangle.
    public struct View: HardwareView {
        public let topology: Topology
        public let hardware: Hardware
        public func intendedSegments(of domain: DomainID) -> [Segment]? { nil }
        public func danglingReferences() -> [Violation] { [] }
    }

    public typealias Operation = IOMMUAPIOperation

    public static let name = "iommu-api"
    public static let summary = "the in-kernel IOMMU API of 2015 (S2): shared domains, page sizes from ops"
    public static let knobs: [DesignKnob] = [Knob.domainScope, .pgsizeSource, .unmapLargeLeaf, .destroyCheck].map {
        DesignKnob($0.rawValue, values: $0.values, default: $0.values[$0 == .domainScope ? 1 : 0], $0.explanation)
    }
    public static let groups: [ExploreGroup] = [
        ExploreGroup("domain", "iommu_domain_alloc for every IOMMU", isDefault: true, aliases: ["ioas"]),
        ExploreGroup("attach", "iommu_attach_device / iommu_detach_device of every device to every domain", isDefault: true),
        ExploreGroup("map", "iommu_map over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "iommu_unmap over the pairs", isDefault: true),
        ExploreGroup("free", "iommu_domain_free", isDefault: true, aliases: ["destroy"]),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [ObjectKind("domain", "domains")]

    /// The kernel's shared code with the model's knobs, the explore bounds and the symmetry.
    let context: KernelContext
    let domainCap: Int

    public init(model: Model) {
        context = KernelContext(model: model)
        domainCap = model.explore?.objects["domain"] ?? .max
    }

    public var topology: Topology { context.kernel.topology }
    public var initialState: State { State() }

    public func apply(_ op: IOMMUAPIOperation, to s: inout State) -> Outcome {
        var next = s
        do {
            let outcome = try apply(op, &next.hardware)
            s = next
            return outcome
        } catch {
            return .errno(error)
        }
    }

    func apply(_ op: IOMMUAPIOperation, _ hw: inout Hardware) throws(Errno) -> Outcome {
        switch op {
        case .domainAlloc(let iommu): return try domainAlloc(iommu: iommu, &hw)
        case .attachDevice(let domain, let device): return try attachDevice(domain: domain, device: device, &hw)
        case .detachDevice(let domain, let device): return try detachDevice(domain: domain, device: device, &hw)
        case .map(let domain, let iova, let paddr, let size, let prot): return try map(domain: domain, iova: iova, paddr: paddr, size: size, prot: prot, &hw)
        case .unmap(let domain, let iova, let size): return try unmap(domain: domain, iova: iova, size: size, &hw)
        case .domainFree(let domain): return try domainFree(domain: domain, &hw)
        case .translate(let r): return context.kernel.translate(device: r.device, pasid: r.pasid, iova: r.iova, access: r.access, &hw)
        }
    }

    public func view(of state: State) -> View { View(topology: topology, hardware: state.hardware) }

    public func violation(of name: InvariantName, in state: State) -> Violation? { Invariants.check(name, in: view(of: state)) }

    public func advance(_ state: State, by op: IOMMUAPIOperation, coverage: Coverage<IOMMUAPIOperation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    /// By `ops` group: `domain` allocates a domain for each IOMMU, `attach` attaches and detaches
    /// every device to every live domain, `map` / `unmap` edit every live domain over the (IOVA,
    /// length) pairs (read+write, physical address = the user VA), `free` frees a domain,
    /// `translate` probes every route.
    public func actions(of state: State, into out: inout ActionFamilies<IOMMUAPIOperation>) {
        let g = context.groupWords
        let live = state.hardware.domains.filter { !$0.freed }.map { UInt32($0.id) }
        if g.contains("domain") { for i in topology.iommus.indices { out.append(.domainAlloc(iommu: i)) } }
        if g.contains("attach") {
            for id in live { for d in topology.devices.indices {
                out.append(.attachDevice(domain: id, device: d))
                out.append(.detachDevice(domain: id, device: d))
            } }
        }
        if g.contains("map") {
            for id in live { for (iova, length) in context.space.pairs { for va in context.space.userVAs(for: iova) {
                out.append(.map(domain: id, iova: iova, paddr: va, size: length, prot: 3))
            } } }
        }
        if g.contains("unmap") { for id in live { for (iova, length) in context.space.pairs { out.append(.unmap(domain: id, iova: iova, size: length)) } } }
        if g.contains("free") { for id in live { out.append(.domainFree(domain: id)) } }
        if g.contains("translate") { context.space.translateFamilies(state.hardware, into: &out) { .translate($0) } }
    }

    public static func actionBound(_ s: ActionSpace) -> Double? {
        // Live domains: at most one per step, or the cap.
        let domains = min(s.stepsBeforeExpansion, Double(s.bounds.objects["domain"] ?? .max))
        return s.term("domain", Double(s.topology.iommus.count)) + s.term("attach", domains * s.deviceCount * 2)
            + s.term("map", domains * s.pairCount * s.vaCountD) + s.term("unmap", domains * s.pairCount) + s.term("free", domains)
            + s.term("translate", s.translateBound)
    }

    public func exceedsCaps(_ state: State) -> Bool {
        domainCap != .max && state.hardware.domains.lazy.filter { !$0.freed }.count > domainCap
    }

    public func holds(_ atom: GoalAtom, in state: State) -> Bool { atom.holds(in: state.hardware, topology) }

    public func encode<W: WordSink>(_ state: State, into sink: inout W) { state.hardware.encode(into: &sink) }
    public func decode(_ reader: inout WordReader) -> State? { State(hardware: Hardware.decode(&reader)) }
    public func unshared(_ state: State) -> State { State(hardware: state.hardware.unshared()) }

    /// The smallest fingerprint over the renamings of interchangeable devices.
    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { encode($0, into: &$1) },
                            signature: { $0.hardware.signature(ofGroup: topology.devices[$1].group) }) { state, _, groups in
            var renamed = state
            renamed.hardware.renameGroups { groups[$0] }
            return renamed
        }
    }

    public func describe(_ state: State) -> [String] { state.hardware.describe(topology) }

    public func changes(from old: State, to new: State) -> [String] {
        var c = LineChanges()
        new.hardware.changes(since: old.hardware, topology, into: &c)
        return c.lines
    }

    public func dot(_ state: State, violation: Violation?) -> String {
        var s = IOMMUFDState(deviceCount: topology.devices.count)
        s.hardware = state.hardware
        return DotPicture.render(s, topology, violation: violation, objects: .none)
    }
}
