import Explorer

/// The /dev/ioasid RFC (`domain/proposals.md` S5: Kevin Tian, 2021, with Jason Gunthorpe and
/// David Gibson). Its state is the kernel state it drives and its own bookkeeping
/// (`DevIOASIDState`: fds, IOASIDs, nesting, PASIDs); its calls (`DevIOASIDProposal+Calls.swift`)
/// run the kernel's shared io_pagetable and attach code. The open question of where IOMMU
/// compatibility is checked is the knob `compat-check` (`attach`, `join`, `none`).
public struct DevIOASIDProposal: Proposal {
    public struct State: Hashable, Sendable {
        public var kernel: IOMMUFDState
        public var own = DevIOASIDState()
    }

    /// The kernel's view, plus what only this design knows: a nested IOASID refers to its GPA
    /// IOASID, and PASIDs are allocated (system-wide or per fd) rather than named by userspace.
    public struct View: HardwareView {
        let base: IOMMUFDView
        let own: DevIOASIDState
        let ownerOfDevice: @Sendable (Int) -> Int
        let scope: IOMMUFDConfig.PasidScope
        public var topology: Topology { base.topology }
        public var hardware: Hardware { base.hardware }

        public func intendedSegments(of domain: DomainID) -> [Segment]? { base.intendedSegments(of: domain) }
        public func addressSpace(of domain: DomainID) -> AddressSpace { base.addressSpace(of: domain) }

        public func danglingReferences() -> [Violation] {
            var out = base.danglingReferences()
            for x in own.ioasids where x.isNested && !base.state.hasIOAS(x.parent) {
                out.append(Violation(.lifetime, "a nested IOASID still refers to its destroyed GPA IOASID", objects: ["ioas \(x.id)", "ioas \(x.parent)"],
                                     expected: "a live IOASID", found: "nothing at id \(x.parent)"))
            }
            return out
        }

        public func pasidOwnershipViolations() -> [Violation] {
            guard scope != .perDevice else { return [] }
            return PasidAllocation.ownershipViolations(self, checksSpaces: true, owner: ownerOfDevice, held: own.pasids)
        }
    }

    public typealias Operation = DevIOASIDOperation

    public static let name = "dev-ioasid"
    public static let summary = "the /dev/ioasid RFC (S5): join, IOASIDs, ATTACH_IOASID(_PASID)"
    public static let knobs: [DesignKnob] = [
        Knob.compatCheck.declared(), Knob.domainScope.declared(default: "compatible"), Knob.pasidScope.declared(default: "global"),
        Knob.pasidFree.declared(), Knob.multiAttach.declared(), Knob.unmapLargeLeaf.declared(), Knob.destroyCheck.declared(),
    ]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("bind", "JOIN_IOASID_FD", isDefault: true),
        ExploreGroup("ioas", "IOASID_ALLOC", isDefault: true),
        ExploreGroup("destroy", "IOASID_FREE", isDefault: true),
        ExploreGroup("map", "IOASID_MAP_DMA over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "IOASID_UNMAP_DMA over the pairs", isDefault: true),
        ExploreGroup("attach", "ATTACH_IOASID, ATTACH_IOASID_PASID and DETACH_IOASID", isDefault: true),
        ExploreGroup("hwpt", "IOASID_ALLOC_PASID / IOASID_FREE_PASID", isDefault: true),
        ExploreGroup("allow-iovas", "IOASID_SET_WINDOW"),
        ExploreGroup("nested", "IOASID_CREATE_NESTING"),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "IOASIDs"), ObjectKind("hwpt", "their domains"), ObjectKind("device", "joined devices"),
        ObjectKind("domain", "hardware domains"), ObjectKind("fd", "ioasid fds (the VMs)"),
    ]

    var context: KernelContext

    public init(model: Model) {
        var config = model.config
        // An ATTACH_IOASID_PASID names an IOASID, not a HWPT: its automatic domains serve PASIDs.
        config.autoDomainsServePasids = true
        context = KernelContext(model: model, config: config)
    }

    public var topology: Topology { context.kernel.topology }
    public var initialState: State { State(kernel: context.kernel.initialState) }

    /// The kernel, told which VM (fd) each device joined: its per-VM rules read that.
    func kernel(_ d: DevIOASIDState) -> IOMMUFD {
        guard !d.deviceFds.isEmpty else { return context.kernel }
        var k = context.kernel
        k.deviceVMs = d.deviceFds
        return k
    }

    public func apply(_ op: DevIOASIDOperation, to state: inout State) -> Outcome {
        // The two halves are handed over separately, as two exclusive accesses.
        var own = state.own, kernel = state.kernel
        func run(_ body: (inout DevIOASIDState, inout IOMMUFDState) throws(Errno) -> Outcome) -> IOMMUFD.Step {
            do { return IOMMUFD.Step(outcome: try body(&own, &kernel)) } catch { return IOMMUFD.Step(outcome: .errno(error)) }
        }
        let step: IOMMUFD.Step
        switch op {
        case .joinIOASIDFd(let device, let fd): step = run { d, s throws(Errno) in try join(device: device, fd: fd, &d, &s) }
        case .ioasidAlloc(let fd): step = run { d, s throws(Errno) in try alloc(fd: fd, &d, &s) }
        case .ioasidFree(let id): step = run { d, s throws(Errno) in try free(ioasid: id, &d, &s) }
        case .ioasidCreateNesting(let parent, let root): step = run { d, s throws(Errno) in try createNesting(parent: parent, s1Root: root, &d, &s) }
        case .ioasidMapDMA(let id, let iova, let size, let vaddr):
            step = run { d, s throws(Errno) in try mapDMA(ioasid: id, iova: iova, size: size, vaddr: vaddr, d, &s) }
        case .ioasidUnmapDMA(let id, let iova, let size): step = unmapDMA(ioasid: id, iova: iova, size: size, own, &kernel)
        case .ioasidSetWindow(let id, let start, let last):
            step = run { d, s throws(Errno) in try setWindow(ioasid: id, start: start, last: last, d, &s) }
        case .attachIOASID(let device, let id, let pasid): step = run { d, s throws(Errno) in try attach(device: device, ioasid: id, pasid: pasid, &d, &s) }
        case .detachIOASID(let device, let pasid): step = run { d, s throws(Errno) in try detach(device: device, pasid: pasid, d, &s) }
        case .ioasidAllocPasid(let fd, let lo, let hi): step = run { d, _ throws(Errno) in try allocPasid(fd: fd, min: lo, max: hi, &d) }
        case .ioasidFreePasid(let fd, let pasid): step = run { d, s throws(Errno) in try freePasid(fd: fd, pasid: pasid, &d, &s) }
        case .translate(let r):
            step = IOMMUFD.Step(outcome: context.kernel.translate(device: r.device, pasid: r.pasid, iova: r.iova, access: r.access, &kernel))
        }
        // A failure changes nothing, except the unmaps the kernel does not undo halfway.
        if step.isSuccess || step.keepsPartialState {
            settle(&own, &kernel)
            state = State(kernel: kernel, own: own)
        }
        return step.outcome
    }

    public func view(of state: State) -> View {
        let own = state.own, perVM = context.kernel.config.pasidScope == .perVM
        return View(base: IOMMUFDView(machine: context.kernel, state: state.kernel), own: own,
                    ownerOfDevice: { perVM ? own.fd(of: $0) : 0 }, scope: context.kernel.config.pasidScope)
    }

    public func advance(_ state: State, by op: DevIOASIDOperation, coverage: Coverage<DevIOASIDOperation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    public func exceedsCaps(_ state: State) -> Bool { context.space.exceedsCaps(state.kernel) }

    public func holds(_ atom: GoalAtom, in state: State) -> Bool {
        if case .joined(let device, let fd) = atom { return state.kernel.boundIDs[device] != 0 && state.own.fd(of: device) == fd }
        return state.kernel.holds(atom, topology)
    }

    public func replica() -> DevIOASIDProposal {
        var copy = self
        copy.context = context.replica()
        return copy
    }

    public func encode<W: WordSink>(_ state: State, into sink: inout W) {
        state.kernel.encode(into: &sink)
        state.own.encode(into: &sink)
    }

    public func decode(_ reader: inout WordReader) -> State? {
        State(kernel: IOMMUFDState.decode(&reader), own: DevIOASIDState.decode(&reader))
    }

    public func unshared(_ state: State) -> State { State(kernel: state.kernel.unshared(), own: state.own.unshared()) }

    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        context.fingerprint(state, symmetric: symmetric, encode: { encode($0, into: &$1) },
                            signature: { $0.kernel.signature(of: $1, topology) &+ UInt64($0.own.fd(of: $1)) }) { state, devices, groups in
            State(kernel: state.kernel.permuted(devices: devices, groups: groups), own: state.own.permuted(devices: devices))
        }
    }

    public func describe(_ state: State) -> [String] { ownLines(state.own) + state.kernel.describe(topology) }

    public func changes(from old: State, to new: State) -> [String] {
        IOMMUFDState.changes(own: old.own, new.own, ownLines, kernel: old.kernel, new.kernel, topology)
    }

    /// The fds, IOASIDs, nesting and PASIDs, in words.
    func ownLines(_ d: DevIOASIDState) -> [String] {
        var out: [String] = []
        if !d.pasids.isEmpty {
            out.append("pasids held: " + d.pasids.map(HeldPasid.init(word:)).map { $0.owner == 0 ? String($0.pasid) : "fd \($0.owner): \($0.pasid)" }
                .joined(separator: ","))
        }
        for (device, fd) in d.deviceFds.enumerated() where fd != 0 { out.append("\(topology.devices[device].name) joined fd \(fd)") }
        for x in d.ioasids {
            out.append("ioasid \(x.id): fd \(x.fd)" + (x.isNested ? ", nested over ioasid \(x.parent) (guest table \(SizeText.hex(x.s1Root)))" : ""))
        }
        for n in d.nestedHWPTs { out.append("hwpt \(n.hwpt) serves nested ioasid \(n.ioasid)") }
        return out
    }

    public func dot(_ state: State, violation: Violation?) -> String { DotPicture.render(state.kernel, topology, violation: violation) }

    public func consistencyProblems(in state: State) -> [String] {
        guard context.kernel.config.destroyCheck == .refcount else { return [] }
        return view(of: state).base.refcountMismatches(extra: state.own.kernelReferences)
    }
}
