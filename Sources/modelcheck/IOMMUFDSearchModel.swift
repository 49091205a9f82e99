import Explorer
import IOASIDModel
import Synchronization

/// The iommufd model as the explorer sees it: candidate operations from the `explore` bounds,
/// successors from the pure transition function, the model's invariants and goals as properties.
struct IOMMUFDSearchModel: StateMachine {
    var machine: IOMMUFD
    var space: ActionSpace
    let checks: [InvariantName]
    let goals: [Goal]
    var coverage: Coverage
    /// Device permutations whose states are one (empty without symmetry reduction).
    var symmetry: IOMMUFDSymmetry?

    init(model: Model, symmetry: Bool = true) {
        machine = model.machine
        space = ActionSpace(topology: model.topology, bounds: model.explore ?? ExploreBounds(), config: model.config)
        checks = model.checks
        goals = model.goals
        coverage = Coverage()
        if symmetry {
            var named: Set<Int> = []
            for goal in model.goals {
                for atom in goal.atoms {
                    switch atom {
                    case .routed(let d, _, _), .joined(let d, _): named.insert(d)
                    }
                }
            }
            let s = IOMMUFDSymmetry(topology: model.topology, distinguished: named)
            self.symmetry = s.isTrivial ? nil : s
        }
    }

    func replica() -> IOMMUFDSearchModel {
        var copy = self
        copy.machine.topology = machine.topology.replica()
        copy.space = ActionSpace(topology: copy.machine.topology, bounds: space.bounds, config: space.config)
        copy.coverage = coverage.shard()
        return copy
    }

    var initialStates: [IOMMUFDState] { [machine.initialState] }

    func unshared(_ state: IOMMUFDState) -> IOMMUFDState { state.unshared() }

    /// The frontier keeps states as words (`IOMMUFDState+Codec.swift`).
    var encodesStates: Bool { true }

    func encode(_ state: IOMMUFDState, into words: inout [UInt64]) { state.encode(into: &words) }

    func decode(_ words: UnsafeBufferPointer<UInt64>) -> IOMMUFDState? {
        var reader = WordReader(words)
        return IOMMUFDState.decode(&reader)
    }

    func actions(of state: IOMMUFDState, into actions: inout [IOMMUFDOperation]) {
        space.actions(of: state, into: &actions)
    }

    func successor(of state: IOMMUFDState, after op: IOMMUFDOperation) -> IOMMUFDState? {
        let (next, outcome) = machine.apply(op, to: state)
        if space.exceedsCaps(next) {
            coverage.record(op, Coverage.capped)
            return nil
        }
        switch outcome.status {
        case .ok, .address: coverage.record(op, Coverage.ok)
        case .fault: coverage.record(op, Coverage.fault)
        case .errno(let e): coverage.record(op, Int(e.rawValue) & 0xff)
        }
        return next
    }

    /// The fingerprint of the state's class: the smallest over the symmetric renamings.
    func fingerprint(of state: IOMMUFDState) -> UInt64 {
        var f = Fingerprint()
        state.mix(into: &f)
        var best = f.value
        if let symmetry {
            for p in symmetry.permutations {
                var g = Fingerprint()
                state.permuted(devices: p.devices, groups: p.groups).mix(into: &g)
                best = min(best, g.value)
            }
        }
        return best
    }

    var properties: [Property<IOMMUFDState>] {
        let machine = self.machine
        var out: [Property<IOMMUFDState>] = checks.map { name in
            .always(name.rawValue) { Invariants.check(name, in: IOMMUFDView(machine: machine, state: $0)) == nil }
        }
        for goal in goals {
            out.append(.sometimes(goal.name) { state in goal.atoms.allSatisfy { Self.holds($0, state, machine) } })
        }
        // Guest IOTLB entries exist only where guests translate: nested HWPTs explored with TRANSLATE.
        if space.bounds.groups.isSuperset(of: [.nested, .translate]) {
            out.append(.sometimes(Self.staleGuestWarning) { Invariants.staleGuestIOTLBEntry(in: IOMMUFDView(machine: machine, state: $0)) != nil })
        }
        return out
    }

    /// The witness name of SPEC §3's warning; reported as a warning, never as a goal.
    static let staleGuestWarning = "stale-guest-iotlb"

    static func holds(_ atom: GoalAtom, _ s: IOMMUFDState, _ machine: IOMMUFD) -> Bool {
        switch atom {
        case .routed(let device, let pasid, let cc):
            let group = machine.topology.devices[device].group
            guard let route = s.hardware.routes(group: group, pasid: pasid).first, let d = s.hardware.domain(route.domain) else { return false }
            return cc.map { $0 == d.enforcesCoherency } ?? true
        case .joined(let device, let fd):
            guard s.boundIDs[device] != 0 else { return false }
            // dev-ioasid names the fd; iommufd has one.
            return machine.config.proposal != .devIOASID || s.ioasidFd(of: device) == fd
        }
    }

    /// The violation of `name` in `state`, for the report.
    func violation(_ name: String, in state: IOMMUFDState) -> Violation? {
        guard let i = InvariantName(rawValue: name) else { return nil }
        return Invariants.check(i, in: IOMMUFDView(machine: machine, state: state))
    }
}

/// For each operation, how often each outcome occurred (`ok`, an errno, `FAULT`, `capped`):
/// integer counters indexed by operation kind and outcome code, one shard per worker, so that
/// counting costs no hashing and no contention.
final class Coverage: Sendable {
    static let ok = 256, fault = 257, capped = 258
    static let codes = 259
    private let counts: Mutex<[Int]>
    private let shards: Mutex<[Coverage]>

    init() {
        counts = Mutex(Array(repeating: 0, count: IOMMUFDOperation.specs.count * Self.codes))
        shards = Mutex([])
    }

    /// A counter for one more worker, summed into this one's snapshot.
    func shard() -> Coverage {
        let s = Coverage()
        shards.withLock { $0.append(s) }
        return s
    }

    func record(_ op: IOMMUFDOperation, _ code: Int) {
        let index = op.kindIndex * Self.codes + code
        counts.withLock { $0[index] += 1 }
    }

    private var raw: [Int] {
        var total = counts.withLock { $0 }
        for s in shards.withLock({ $0 }) { for (i, n) in s.raw.enumerated() { total[i] += n } }
        return total
    }

    /// Outcome counts by operation name and outcome word.
    var snapshot: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (i, n) in raw.enumerated() where n > 0 {
            let op = IOMMUFDOperation.specs[i / Self.codes].name
            let code = i % Self.codes
            let word = code == Self.ok ? "ok" : code == Self.fault ? "FAULT" : code == Self.capped ? "capped" : Errno(rawValue: Int32(code)).name
            out[op, default: [:]][word] = n
        }
        return out
    }
}

extension IOMMUFDState {
    /// Folds the whole state into a fingerprint, word by word.
    func mix(into f: inout Fingerprint) {
        f.mix(UInt64(objects.count))
        for o in objects {
            f.mix(UInt64(o.id) | UInt64(o.users) << 32)
            switch o.body {
            case .ioas(let x):
                f.mix(1 | (x.disableLargePages ? 2 : 0) | UInt64(x.areas.count) << 8 | UInt64(x.allowed.count) << 32)
                for a in x.areas {
                    f.mix(a.range.first); f.mix(a.range.last); f.mix(a.userVA)
                    f.mix(UInt64(a.permissions.rawValue) | (a.writablePages ? 0x100 : 0) | (a.sharesPages ? 0x200 : 0))
                }
                for r in x.allowed { f.mix(r.first); f.mix(r.last) }
                if let nest = x.nest { f.mix(UInt64(nest.parent) | 1 << 40); f.mix(nest.s1Root) }
                if x.fd != 0 { f.mix(UInt64(x.fd) | 0xFD << 8) }
            case .hwptPaging(let h):
                f.mix(2 | UInt64(h.ioas) << 8 | UInt64(h.domain) << 40 | (h.autoDomain ? 4 : 0) | (h.nestParent ? 8 : 0) | (h.pasidCompat ? 16 : 0))
            case .hwptNested(let n):
                f.mix(3 | UInt64(n.parent) << 8 | UInt64(n.domain) << 40 | (n.pasidCompat ? 16 : 0))
                if n.ioasid != 0 { f.mix(UInt64(n.ioasid)) }
            case .device(let d):
                f.mix(4 | UInt64(d) << 8)
            }
        }
        for id in boundIDs { f.mix(UInt64(id)) }
        if hasProposalState {
            let p = proposal
            f.mix(UInt64(p.container.ioasID) | UInt64(p.container.version == nil ? 0 : p.container.version == .v1 ? 1 : 2) << 32)
            for g in p.container.groups { f.mix(UInt64(g)) }
            f.mix(UInt64(p.pasids.count) | 0x5A5A << 32)
            for x in p.pasids { f.mix(UInt64(x)) }
            let b = p.bindTable
            f.mix(UInt64(b.delegated.count) | UInt64(b.reserves.count) << 16 | UInt64(b.hostDomains.count) << 32 | UInt64(b.reserveTables.count) << 48)
            f.mix(UInt64(b.stage2))
            for g in b.delegated { f.mix(UInt64(g)) }
            for r in b.reserves { f.mix(r.first); f.mix(r.last) }
            for d in b.hostDomains { f.mix(UInt64(d)) }
            for d in b.reserveTables { f.mix(UInt64(d)) }
            for fd in p.deviceFds { f.mix(UInt64(fd) | 0xFD << 8) }
        }
        f.mix(UInt64(attachments.count))
        for a in attachments { f.mix(UInt64(a.group) | UInt64(a.pasid) << 16 | UInt64(a.hwpt) << 48); f.mix(a.devices) }
        f.mix(UInt64(hardware.domains.count))
        for d in hardware.domains {
            f.mix(UInt64(d.id) | UInt64(d.iommu) << 16 | UInt64(d.stage.rawValue) << 32 | (d.enforcesCoherency ? 1 << 40 : 0)
                  | (d.freed ? 1 << 41 : 0) | (d.dirtyTracking ? 1 << 42 : 0) | UInt64(d.parent ?? 0xffff) << 48)
            f.mix(d.table.rootAddress)
            for leaf in d.table.leaves { f.mix(leaf.iova); f.mix(leaf.output ^ UInt64(leaf.level) << 56 ^ UInt64(leaf.permissions.rawValue) << 60) }
            f.mix(UInt64(d.table.tables.count))
            for t in d.table.tables { f.mix(t.base ^ UInt64(t.level) << 58); f.mix(t.address) }
        }
        for r in hardware.routes {
            f.mix(UInt64(r.group) | UInt64(r.pasid) << 16 | UInt64(r.domain) << 48)
            if let w = r.window { f.mix(w.first); f.mix(w.last) }
        }
        f.mix(UInt64(hardware.iotlb.entries.count))
        for e in hardware.iotlb.entries {
            f.mix(UInt64(e.key.device) | UInt64(e.key.pasid) << 32)
            f.mix(e.iova ^ UInt64(e.tag) << 48)
            f.mix(e.output ^ UInt64(e.permissions.rawValue) << 56 ^ UInt64(e.source.rawValue) << 60)
            f.mix(e.pageSize)
        }
    }
}
