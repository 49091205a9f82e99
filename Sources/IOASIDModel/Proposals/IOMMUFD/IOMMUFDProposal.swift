import Explorer

/// iommufd as merged (`domain/proposals.md` S7): the kernel's own objects and calls (`IOMMUFD`),
/// explored by `ActionSpace`.
public struct IOMMUFDProposal: Proposal {
    public typealias State = IOMMUFDState
    public typealias Operation = IOMMUFDOperation
    public typealias View = IOMMUFDView

    public static let name = "iommufd"
    public static let summary = "iommufd as merged (S7): IOAS, HWPT, device bind/attach/replace, PASIDs, nesting"
    public static let knobs: [DesignKnob] = [
        Knob.compatCheck.declared(), Knob.domainScope.declared(default: "compatible"), Knob.pasidScope.declared(),
        Knob.multiAttach.declared(), Knob.stage2PinTables.declared(), Knob.unmapLargeLeaf.declared(), Knob.destroyCheck.declared(),
        Knob.dirtyClear.declared(), Knob.vdeviceUnbind.declared(), Knob.vdeviceVirtID.declared(),
        Knob.hwQueueLock.declared(), Knob.nestedIOTLBFlush.declared(),
        Knob.smmuInvalidateError.declared(), Knob.iopfDetach.declared(), Knob.accessDriver.declared(),
    ]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("ioas", "IOMMU_IOAS_ALLOC", isDefault: true),
        ExploreGroup("map", "IOMMU_IOAS_MAP at a fixed IOVA over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "IOMMU_IOAS_UNMAP over the pairs, and unmap-all", isDefault: true),
        ExploreGroup("hwpt", "IOMMU_HWPT_ALLOC (paging; nest parents with 'nested')", isDefault: true),
        ExploreGroup("bind", "VFIO_DEVICE_BIND_IOMMUFD", isDefault: true),
        ExploreGroup("attach", "VFIO_DEVICE_ATTACH/DETACH_IOMMUFD_PT, at the RID and the explored PASIDs", isDefault: true),
        ExploreGroup("close", "closing a device fd", isDefault: true),
        ExploreGroup("destroy", "IOMMU_DESTROY", isDefault: true),
        ExploreGroup("copy", "IOMMU_IOAS_COPY between IOASes"),
        ExploreGroup("allow-iovas", "IOMMU_IOAS_ALLOW_IOVAS"),
        ExploreGroup("reserved", "IOMMU_TEST_OP_ADD_RESERVED of each IOAS over the (IOVA, length) pairs"),
        ExploreGroup("option", "IOMMU_OPTION HUGE_PAGES on each IOAS, and RLIMIT_MODE SET"),
        ExploreGroup("auto-map", "IOMMU_IOAS_MAP at an automatic IOVA"),
        .translate,
        ExploreGroup("nested", "nest parents, HWPT_NESTED and the guest's GUEST_S1_MAP/UNMAP"),
        ExploreGroup("hw-info", "IOMMU_GET_HW_INFO on each device id (a query: it changes nothing)"),
        ExploreGroup("dirty", "HWPT_ALLOC with DIRTY_TRACKING, SET_DIRTY_TRACKING on and off, GET_DIRTY_BITMAP over the pairs (NO_CLEAR too)"),
        ExploreGroup("viommu", "IOMMU_VIOMMU_ALLOC over nest parents, IOMMU_VDEVICE_ALLOC with two virtual ids, nested HWPTs through a vIOMMU"),
        ExploreGroup("invalidate", "IOMMU_HWPT_INVALIDATE of one entry on each nested HWPT and vIOMMU (the driver's invalidate-all), and SMMUv3's two-command array whose second command is refused"),
        ExploreGroup("fault", "IOMMU_FAULT_QUEUE_ALLOC, fault-capable HWPTs, page requests (IOMMU_TEST_OP_TRIGGER_IOPF), reads, responses, closing the fd"),
        ExploreGroup("veventq", "IOMMU_VEVENTQ_ALLOC of depth 1, events (IOMMU_TEST_OP_TRIGGER_VEVENT), reads, closing the fd"),
        ExploreGroup("access", "emulated devices (IOMMU_TEST_OP_CREATE_ACCESS, both kinds): pins of the pairs, unpins, reads and writes, IOAS replace, closing the fd"),
        ExploreGroup("map-file", "IOMMU_IOAS_MAP_FILE of each memfd and dma-buf over the pairs, FTRUNCATE, IOMMU_TEST_OP_DMABUF_GET/REVOKE and closing the fd, IOMMU_IOAS_CHANGE_PROCESS, a second process's maps and its exit"),
        ExploreGroup("selftest-checks", "the selftest's checks on each paging HWPT (IOMMU_TEST_OP_MD_CHECK_MAP, _MD_CHECK_DMABUF over the pairs, IOMMU_TEST_OP_DIRTY over the window) and IOMMU_TEST_OP_MD_CHECK_REFS of the pairs' memory"),
        ExploreGroup("test-pasid", "the selftest's IOMMU_TEST_OP_PASID_ATTACH/REPLACE to each IOAS or HWPT and _DETACH, per device at each explored PASID"),
        ExploreGroup("vfio-compat", "the VFIO container ioctls on the iommufd: IOMMU_VFIO_IOAS SET/CLEAR/GET, VFIO_SET_IOMMU (both types), MAP_DMA and UNMAP_DMA over the pairs, UNMAP_ALL, CHECK_EXTENSION(DMA_CC_IOMMU), GET_INFO"),
        ExploreGroup("hw-queue", "IOMMU_HW_QUEUE_ALLOC of queues 0 and 1 in each vIOMMU over the (IOVA, length) pairs"),
    ]
    public static let invariants = [DirtyInvariant.declaration, VDeviceInvariant.declaration, IOPFInvariant.declaration]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "IOASes"), ObjectKind("hwpt", "HWPTs"), ObjectKind("device", "bound devices"),
        ObjectKind("domain", "hardware domains"), ObjectKind("pasid", "attached PASIDs"),
        ObjectKind("fault", "fault queues"), ObjectKind("viommu", "vIOMMUs"), ObjectKind("access", "emulated devices' accesses"), ObjectKind("dmabuf", "the selftest's dma-bufs (open fds)"),
    ]

    public static func actionBound(_ space: ActionSpace) -> Double? { space.iommufdBound }

    /// A struct (not a class): its members are then read in place on the hot path.
    let context: KernelContext
    var machine: IOMMUFD { context.kernel }
    var space: ActionSpace { context.space }

    public init(model: Model) { context = KernelContext(model: model) }
    init(context: KernelContext) { self.context = context }

    public var topology: Topology { machine.topology }
    public var initialState: IOMMUFDState { machine.initialState }

    public func apply(_ op: IOMMUFDOperation, to state: inout IOMMUFDState) -> Outcome { machine.apply(op, to: &state) }
    public func apply(_ op: IOMMUFDOperation, to state: IOMMUFDState) -> (IOMMUFDState, Outcome) { machine.apply(op, to: state) }
    public func view(of state: IOMMUFDState) -> IOMMUFDView { IOMMUFDView(machine: machine, state: state) }

    // The explorer's hot path, written for the concrete types: reached through the protocol
    // extension's generic defaults, the same work costs about 10 % more instructions (callgrind,
    // bench-small).

    public func advance(_ state: IOMMUFDState, by op: IOMMUFDOperation, coverage: Coverage<IOMMUFDOperation>) -> Successor<IOMMUFDState> {
        var scratch = state
        return advance(&scratch, from: state, by: op, coverage: coverage)
    }

    public func advance(_ scratch: inout IOMMUFDState, from state: IOMMUFDState, by op: IOMMUFDOperation,
                        coverage: Coverage<IOMMUFDOperation>) -> Successor<IOMMUFDState> {
        let step = machine.applyInPlace(op, to: &scratch)
        if !step.isSuccess && !step.keepsPartialState {
            // An atomic failure: most never wrote, and `==` on untouched buffers is an identity
            // check; one that wrote before failing is put back.
            if scratch != state { scratch = state }
            coverage.record(op, step.outcome)
            return .unchanged
        }
        let next = scratch
        scratch = state
        if space.exceedsCaps(next) {
            coverage.record(op, CoverageCode.capped)
            return .disabled
        }
        coverage.record(op, step.outcome)
        return .changed(next)
    }

    public func violation(of name: InvariantName, in state: IOMMUFDState) -> Violation? {
        violation(of: name, in: IOMMUFDView(machine: machine, state: state))
    }

    public func firstViolation(among names: [InvariantName], limit: Int, in state: IOMMUFDState) -> Int? {
        let view = IOMMUFDView(machine: machine, state: state)
        for i in 0..<min(limit, names.count) where violation(of: names[i], in: view) != nil { return i }
        return nil
    }

    /// The shared invariants on the view, and iommufd's own: `dirty` on its hardware, `vdevice`
    /// on its vIOMMU tables.
    func violation(of name: InvariantName, in view: IOMMUFDView) -> Violation? {
        switch name {
        case DirtyInvariant.name: return DirtyInvariant.check(view.hardware)
        case VDeviceInvariant.name: return VDeviceInvariant.check(view.state, view.topology)
        case IOPFInvariant.name: return IOPFInvariant.check(view.state, view.topology)
        default: return Invariants.check(name, in: view)
        }
    }

    public func fingerprint(of state: IOMMUFDState, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { $0.encode(into: &$1) },
                            signature: { $0.signature(of: $1, topology) }) { $0.permuted(devices: $1, groups: $2) }
    }

    public func actions(of state: IOMMUFDState, into out: inout ActionFamilies<IOMMUFDOperation>) { space.actions(of: state, into: &out) }
    public func exceedsCaps(_ state: IOMMUFDState) -> Bool { space.exceedsCaps(state) }

    public func holds(_ atom: GoalAtom, in s: IOMMUFDState) -> Bool {
        // iommufd has one fd: a bound device has joined it.
        s.holds(atom, topology)
    }

    /// Each worker gets its own: its own topology buffers and action space.
    public func replica() -> IOMMUFDProposal { IOMMUFDProposal(context: context.replica()) }

    public func encode<W: WordSink>(_ state: IOMMUFDState, into sink: inout W) { state.encode(into: &sink) }
    public func decode(_ reader: inout WordReader) -> IOMMUFDState? { IOMMUFDState.decode(&reader) }
    public func unshared(_ state: IOMMUFDState) -> IOMMUFDState { state.unshared() }

    public func describe(_ state: IOMMUFDState) -> [String] { state.describe(topology) }
    public func changes(from old: IOMMUFDState, to new: IOMMUFDState) -> [String] { new.changes(since: old, topology) }
    public func dot(_ state: IOMMUFDState, violation: Violation?) -> String { DotPicture.render(state, topology, violation: violation) }

    /// iommufd's bookkeeping: `users` equals the references that exist (not under `destroy-check
    /// = none`, whose whole point is to break that).
    public func consistencyProblems(in state: IOMMUFDState) -> [String] {
        machine.config.destroyCheck == .refcount ? view(of: state).refcountMismatches() : []
    }
}

extension ExploreGroup {
    /// TRANSLATE as every design on the kernel's shared code explores it.
    static let translate = ExploreGroup("translate", "TRANSLATE: DMA by every routed device at each IOVA of the window")
}
