import Explorer

/// VFIO_IOMMU_PASID_REQUEST (`domain/proposals.md` S4: Liu Yi L's 2020 series): the model's one
/// container is the VM. It allocates system-wide PASIDs, then binds guest page tables to them on
/// its devices. Its state is the hardware and the PASIDs the VM holds.
///
/// Where the series was vague the model chooses (`docs/vfio-pasid-request.md`): ALLOC hands out
/// the lowest free PASID of [max(min, 1), max], or ENOSPC when none is left or the VM holds its
/// `quota=` already; FREE of a PASID the VM does not hold is EINVAL; UNBIND of a PASID not bound on
/// the device is ENOENT; a guest page table stands for an address space whose contents the host
/// never sees (a domain of the IOMMU's format rooted at `gpgd`, with no promise the `translation`
/// invariant could check).
public struct VFIOPasidRequestProposal: Proposal {
    public struct State: Hashable, Sendable {
        public var hardware = Hardware()
        /// PASIDs the VM holds, ascending.
        public var pasids: [UInt32] = []
    }

    /// The guest tables make no promise the host can check; what can break is who uses a PASID.
    public struct View: HardwareView {
        public let topology: Topology
        public let hardware: Hardware
        let pasids: [UInt32]
        let scope: IOMMUFDConfig.PasidScope
        public func intendedSegments(of domain: DomainID) -> [Segment]? { nil }
        public func danglingReferences() -> [Violation] { [] }
        public func pasidOwnershipViolations() -> [Violation] {
            PasidAllocation.ownershipViolations(self, checksSpaces: scope != .perDevice, owner: { _ in 0 }, held: pasids)
        }
    }

    public typealias Operation = VFIOPasidRequestOperation

    public static let name = "vfio-pasid-request"
    public static let summary = "VFIO_IOMMU_PASID_REQUEST (S4): system-wide PASID allocation with a quota"
    public static let knobs: [DesignKnob] = [
        DesignKnob(Knob.pasidScope.rawValue, values: Knob.pasidScope.values, default: "global", Knob.pasidScope.explanation),
    ] + [Knob.pasidFree, .unmapLargeLeaf, .destroyCheck].map { DesignKnob($0.rawValue, values: $0.values, default: $0.values[0], $0.explanation) }
    public static let features: Set<ModelFeature> = [.containers, .pasidQuota]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("alloc", "VFIO_IOMMU_PASID_REQUEST flags=ALLOC", isDefault: true, aliases: ["ioas"]),
        ExploreGroup("free", "VFIO_IOMMU_PASID_REQUEST flags=FREE", isDefault: true, aliases: ["destroy"]),
        ExploreGroup("bind", "VFIO_IOMMU_BIND BIND_GUEST_PGTBL / UNBIND_GUEST_PGTBL", isDefault: true, aliases: ["attach"]),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [ObjectKind("pasid", "PASIDs the VM holds")]

    /// The kernel's shared code with the model's knobs, the explore bounds and the symmetry.
    let context: KernelContext
    let pasidCap: Int

    public init(model: Model) {
        context = KernelContext(model: model)
        pasidCap = model.explore?.objects["pasid"] ?? .max
    }

    public var topology: Topology { context.kernel.topology }
    public var initialState: State { State() }
    var config: IOMMUFDConfig { context.kernel.config }

    public func apply(_ op: VFIOPasidRequestOperation, to s: inout State) -> Outcome {
        var next = s
        do {
            let outcome: Outcome
            switch op {
            case .pasidRequest(let flags, let lo, let hi, let freePasid): outcome = try pasidRequest(flags: flags, min: lo, max: hi, freePasid: freePasid, &next)
            case .bind(let flags, let d, let hpasid, _, let gpgd): outcome = try bind(flags: flags, device: d, hpasid: hpasid, gpgd: gpgd, &next)
            case .translate(let r): outcome = context.kernel.translate(device: r.device, pasid: r.pasid, iova: r.iova, access: r.access, &next.hardware)
            }
            s = next
            return outcome
        } catch {
            return .errno(error)
        }
    }

    public func view(of state: State) -> View {
        View(topology: topology, hardware: state.hardware, pasids: state.pasids, scope: config.pasidScope)
    }

    public func violation(of name: InvariantName, in state: State) -> Violation? { Invariants.check(name, in: view(of: state)) }

    public func advance(_ state: State, by op: VFIOPasidRequestOperation, coverage: Coverage<VFIOPasidRequestOperation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    /// By `ops` group: `alloc` asks for the lowest free PASID up to the largest explored one,
    /// `free` gives back each held PASID and one not held, `bind` binds each held PASID on each
    /// device to one of two guest tables and unbinds it, `translate` probes every route.
    public func actions(of state: State, into out: inout ActionFamilies<VFIOPasidRequestOperation>) {
        typealias O = VFIOPasidRequestOperation
        let g = context.groupWords
        // `pasids 0` explores no PASID but the RID's: still one to allocate (1…1), never 1…0.
        let top = max(context.space.bounds.pasids.max() ?? 1, 1)
        if g.contains("alloc") { out.append(.pasidRequest(flags: O.allocFlag, min: 1, max: top, freePasid: 0)) }
        if g.contains("free") {
            for p in state.pasids { out.append(.pasidRequest(flags: O.freeFlag, min: 0, max: 0, freePasid: p)) }
            if let free = (1...top).first(where: { !state.pasids.contains($0) }) { out.append(.pasidRequest(flags: O.freeFlag, min: 0, max: 0, freePasid: free)) }
        }
        if g.contains("bind") {
            let tables = Array(context.space.probes.prefix(2))
            for d in topology.devices.indices { for p in state.pasids {
                for gpgd in tables { out.append(.bind(flags: O.bindFlag, device: d, hpasid: p, gpasid: p, gpgd: gpgd)) }
                out.append(.bind(flags: O.unbindFlag, device: d, hpasid: p, gpasid: 0, gpgd: 0))
            } }
        }
        if g.contains("translate") { context.space.translateFamilies(state.hardware, into: &out) { .translate($0) } }
    }

    public static func actionBound(_ s: ActionSpace) -> Double? {
        // Held PASIDs: at most one per step.
        let held = s.stepsBeforeExpansion
        return s.term("alloc", 1) + s.term("free", held + 1) + s.term("bind", s.deviceCount * held * 3) + s.term("translate", s.translateBound)
    }

    public func exceedsCaps(_ state: State) -> Bool { pasidCap != .max && state.pasids.count > pasidCap }

    public func holds(_ atom: GoalAtom, in state: State) -> Bool { atom.holds(in: state.hardware, topology) }

    public func encode<W: WordSink>(_ state: State, into sink: inout W) {
        state.hardware.encode(into: &sink)
        sink.put(UInt64(state.pasids.count))
        for p in state.pasids { sink.put(UInt64(p)) }
    }

    public func decode(_ reader: inout WordReader) -> State? {
        let hardware = Hardware.decode(&reader)
        let pasids = (0..<Int(reader.next())).map { _ in UInt32(truncatingIfNeeded: reader.next()) }
        return State(hardware: hardware, pasids: pasids)
    }

    public func unshared(_ state: State) -> State { State(hardware: state.hardware.unshared(), pasids: state.pasids.map { $0 }) }

    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { encode($0, into: &$1) },
                            signature: { $0.hardware.signature(ofGroup: topology.devices[$1].group) }) { state, _, groups in
            var renamed = state
            renamed.hardware.renameGroups { groups[$0] }
            return renamed
        }
    }

    public func describe(_ state: State) -> [String] { Self.pasidLines(state.pasids) + state.hardware.describe(topology) }

    public func changes(from old: State, to new: State) -> [String] {
        var c = LineChanges()
        c.whole(old.pasids, new.pasids) { Self.pasidLines($0) }
        new.hardware.changes(since: old.hardware, topology, into: &c)
        return c.lines
    }

    static func pasidLines(_ pasids: [UInt32]) -> [String] {
        pasids.isEmpty ? [] : ["pasids held: " + pasids.map(String.init).joined(separator: ",")]
    }

    public func dot(_ state: State, violation: Violation?) -> String {
        var s = IOMMUFDState(deviceCount: topology.devices.count)
        s.hardware = state.hardware
        return DotPicture.render(s, topology, violation: violation, objects: .none)
    }
}
