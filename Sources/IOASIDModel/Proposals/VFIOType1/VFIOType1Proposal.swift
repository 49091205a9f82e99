import Explorer

/// The VFIO type1 container (`domain/proposals.md` S1), over iommufd's io_pagetable code: the
/// container's address space is an IOAS of the kernel state, its areas are type1's tracked
/// mappings (`struct vfio_dma`) and its automatic HWPTs type1's domain list, so that a group behind
/// an IOMMU that cannot share an existing domain gets a new one with every mapping replayed into
/// it (`vfio_iommu_replay`). `type1-impl` tells `vfio_iommu_type1.c`, iommufd's `vfio_compat.c`
/// and H11's naive design apart (`IOMMUFD+Type1.swift`).
public struct VFIOType1Proposal: Proposal {
    public struct State: Hashable, Sendable {
        /// The kernel objects and hardware the container drives.
        public var kernel: IOMMUFDState
        public var container = Type1Container()
    }

    public typealias Operation = VFIOType1Operation
    public typealias View = IOMMUFDView

    public static let name = "vfio-type1"
    public static let summary = "the VFIO type1 container (S1): several domains behind one container, mappings replayed"
    public static let knobs: [DesignKnob] = [Knob.domainScope, .pgsizeSource, .unmapLargeLeaf, .destroyCheck, .type1Impl, .type1Version].map {
        DesignKnob($0.rawValue, values: $0.values, default: $0 == .domainScope ? "compatible" : $0.values[0], $0.explanation)
    }
    public static let features: Set<ModelFeature> = [.containers]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("group", "VFIO_GROUP_SET_CONTAINER for every group", isDefault: true, aliases: ["attach"]),
        ExploreGroup("set-iommu", "VFIO_SET_IOMMU with the type type1-version names", isDefault: true, aliases: ["ioas"]),
        ExploreGroup("map", "VFIO_IOMMU_MAP_DMA over the (IOVA, length) pairs, read+write and read-only", isDefault: true),
        ExploreGroup("unmap", "VFIO_IOMMU_UNMAP_DMA over the pairs, and UNMAP_ALL", isDefault: true),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "the container's address space"), ObjectKind("hwpt", "the container's domains"),
        ObjectKind("device", "devices"), ObjectKind("domain", "hardware domains"),
    ]

    /// `VFIO_SET_IOMMU arg=` is whatever `type1-version` says on each side.
    public static func diffKey(_ op: VFIOType1Operation) -> VFIOType1Operation {
        if case .setIOMMU = op { return .setIOMMU(type: 0) }
        return op
    }

    /// The kernel's shared code with the model's knobs, the explore bounds and the symmetry.
    let context: KernelContext

    public init(model: Model) { context = KernelContext(model: model) }

    public var topology: Topology { context.kernel.topology }
    public var initialState: State { State(kernel: context.kernel.initialState) }

    public func apply(_ op: VFIOType1Operation, to s: inout State) -> Outcome {
        var next = s
        let step: IOMMUFD.Step
        func run(_ body: (inout State) throws(Errno) -> Outcome) -> IOMMUFD.Step {
            do { return IOMMUFD.Step(outcome: try body(&next)) } catch { return IOMMUFD.Step(outcome: .errno(error)) }
        }
        switch op {
        case .groupSetContainer(let g): step = run { n throws(Errno) in try context.kernel.vfioGroupSetContainer(group: g, &n.container, &n.kernel) }
        case .setIOMMU(let type): step = run { n throws(Errno) in try context.kernel.vfioSetIOMMU(type: type, &n.container, &n.kernel) }
        case .mapDMA(let vaddr, let iova, let size, let flags):
            step = run { n throws(Errno) in try context.kernel.vfioMapDMA(vaddr: vaddr, iova: iova, size: size, flags: flags, n.container, &n.kernel) }
        case .unmapDMA(let iova, let size, let flags): step = context.kernel.vfioUnmapDMA(iova: iova, size: size, flags: flags, next.container, &next.kernel)
        case .translate(let r): step = IOMMUFD.Step(outcome: context.kernel.translate(device: r.device, pasid: r.pasid, iova: r.iova, access: r.access, &next.kernel))
        }
        // A failure changes nothing, except the unmaps the kernel does not undo halfway.
        if step.isSuccess || step.keepsPartialState { s = next }
        #if DEBUG
        if context.kernel.config.destroyCheck == .refcount {
            let mismatches = IOMMUFDView(machine: context.kernel, state: s.kernel).refcountMismatches()
            assert(mismatches.isEmpty, "reference counts after \(op): \(mismatches)")
        }
        #endif
        return step.outcome
    }

    public func view(of state: State) -> IOMMUFDView { IOMMUFDView(machine: context.kernel, state: state.kernel) }

    public func violation(of name: InvariantName, in state: State) -> Violation? {
        Invariants.check(name, in: IOMMUFDView(machine: context.kernel, state: state.kernel))
    }

    public func advance(_ state: State, by op: VFIOType1Operation, coverage: Coverage<VFIOType1Operation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    /// By `ops` group: `group` adds each group to the container, `set-iommu` sets the type
    /// `type1-version` names, `map` / `unmap` are MAP_DMA / UNMAP_DMA over the (IOVA, length) pairs
    /// (and UNMAP_ALL), `translate` probes every route.
    public func actions(of state: State, into out: inout ActionFamilies<VFIOType1Operation>) {
        typealias C = IOMMUFDConstants
        let g = context.groupWords
        if g.contains("group") { for group in topology.groups.indices { out.append(.groupSetContainer(group: group)) } }
        if g.contains("set-iommu") { out.append(.setIOMMU(type: context.kernel.config.type1Version == .v1 ? C.VFIO_TYPE1_IOMMU : C.VFIO_TYPE1v2_IOMMU)) }
        if g.contains("map") {
            let flagSets = [C.VFIO_DMA_MAP_FLAG_READ | C.VFIO_DMA_MAP_FLAG_WRITE, C.VFIO_DMA_MAP_FLAG_READ]
            for (iova, length) in context.space.pairs { for va in context.space.userVAs(for: iova) { for f in flagSets {
                out.append(.mapDMA(vaddr: va, iova: iova, size: length, flags: f))
            } } }
        }
        if g.contains("unmap") {
            for (iova, length) in context.space.pairs { out.append(.unmapDMA(iova: iova, size: length, flags: 0)) }
            out.append(.unmapDMA(iova: 0, size: 0, flags: C.VFIO_DMA_UNMAP_FLAG_ALL))
        }
        if g.contains("translate") { context.space.translateFamilies(state.kernel.hardware, into: &out) { .translate($0) } }
    }

    public static func actionBound(_ s: ActionSpace) -> Double? {
        s.term("group", Double(s.topology.groups.count)) + s.term("set-iommu", 1) + s.term("map", s.pairCount * s.vaCountD * 2)
            + s.term("unmap", s.pairCount + 1) + s.term("translate", s.translateBound)
    }

    public func exceedsCaps(_ state: State) -> Bool { context.space.exceedsCaps(state.kernel) }

    public func holds(_ atom: GoalAtom, in state: State) -> Bool {
        state.kernel.holds(atom, topology)
    }

    public func encode<W: WordSink>(_ state: State, into sink: inout W) {
        state.kernel.encode(into: &sink)
        sink.put(UInt64(state.container.groups.count))
        for g in state.container.groups { sink.put(UInt64(g)) }
        let version: UInt64 = state.container.version == nil ? 0 : state.container.version == .v1 ? 1 : 2
        sink.put(UInt64(state.container.ioasID) | version << 32)
    }

    public func decode(_ reader: inout WordReader) -> State? {
        var s = State(kernel: IOMMUFDState.decode(&reader))
        s.container.groups = (0..<Int(reader.next())).map { _ in UInt16(truncatingIfNeeded: reader.next()) }
        let c = reader.next()
        s.container.ioasID = UInt32(truncatingIfNeeded: c)
        s.container.version = c >> 32 == 0 ? nil : c >> 32 == 1 ? .v1 : .v2
        return s
    }

    public func unshared(_ state: State) -> State {
        var s = State(kernel: state.kernel.unshared(), container: state.container)
        s.container.groups = state.container.groups.map { $0 }
        return s
    }

    /// The smallest fingerprint over the renamings of interchangeable devices.
    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { encode($0, into: &$1) },
                            signature: { s, d in s.kernel.signature(of: d, topology) &+ (s.container.groups.contains(UInt16(topology.devices[d].group)) ? 1 : 0) }) { state, devices, groups in
            var renamed = State(kernel: state.kernel.permuted(devices: devices, groups: groups), container: state.container)
            renamed.container.groups = state.container.groups.map { UInt16(groups[Int($0)]) }.sorted()
            return renamed
        }
    }

    public func describe(_ state: State) -> [String] { ownLines(state.container) + state.kernel.describe(topology) }

    public func changes(from old: State, to new: State) -> [String] {
        IOMMUFDState.changes(own: old.container, new.container, ownLines, kernel: old.kernel, new.kernel, topology)
    }

    /// The container, in words.
    func ownLines(_ c: Type1Container) -> [String] {
        var out: [String] = []
        if !c.groups.isEmpty {
            var line = "container \(topology.containers.first ?? "container"): groups " + c.groups.map { topology.groups[Int($0)] }.joined(separator: ",")
            if let v = c.version { line += ", \(v == .v1 ? "TYPE1" : "TYPE1v2") on ioas \(c.ioasID)" }
            out.append(line)
        }
        return out
    }

    public func dot(_ state: State, violation: Violation?) -> String {
        let c = state.container
        let type = c.version.map { $0 == .v1 ? "TYPE1" : "TYPE1v2" }
        return DotPicture.render(state.kernel, topology, violation: violation,
                                 objects: .container(name: topology.containers.first ?? "container", groups: c.groups.map { topology.groups[Int($0)] },
                                                     type: type, ioasID: c.ioasID))
    }

    /// The kernel's bookkeeping: `users` equals the references that exist.
    public func consistencyProblems(in state: State) -> [String] {
        guard context.kernel.config.destroyCheck == .refcount else { return [] }
        return IOMMUFDView(machine: context.kernel, state: state.kernel).refcountMismatches()
    }
}
