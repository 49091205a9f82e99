/// A number in a scenario: a literal, or a name bound by an earlier step with an optional offset
/// (`A`, `A+0x1000`).
public enum NumberExpr: Hashable, Sendable {
    case literal(UInt64)
    case name(String, offset: Int64)

    public func evaluate(_ bindings: [String: UInt64]) -> UInt64 {
        switch self {
        case .literal(let v): return v
        case .name(let n, let offset): return (bindings[n] ?? 0) &+ UInt64(bitPattern: offset)
        }
    }
}

/// A field value in a scenario step, resolved against bindings when the step runs.
public enum ValueExpr: Hashable, Sendable {
    case number(NumberExpr)
    case signed(Int64)
    case array([NumberExpr])
    case preset(FormatPreset)
    case access(Access)
    case device(Int)

    public func evaluate(_ bindings: [String: UInt64]) -> ArgValue {
        switch self {
        case .number(let e): return .number(e.evaluate(bindings))
        case .signed(let v): return .signed(v)
        case .array(let es): return .array(es.map { $0.evaluate(bindings) })
        case .preset(let p): return .preset(p)
        case .access(let a): return .access(a)
        case .device(let d): return .device(d)
        }
    }
}

/// The RESULT of a step.
public struct ExpectedResult: Hashable, Sendable {
    public enum Status: Hashable, Sendable {
        case ok
        case errno(Errno)
        case address(NumberExpr)
        case fault(stage: Int?, level: Int?)
    }
    public var status: Status
    /// Output fields that must match, as written.
    public var outputs: [(name: String, value: [NumberExpr])]
    public var text: String

    public static func == (a: ExpectedResult, b: ExpectedResult) -> Bool { a.text == b.text && a.status == b.status }
    public func hash(into h: inout Hasher) { h.combine(text) }
}

/// One scenario step, checked and ready to run.
public struct ScenarioStep: Hashable, Sendable {
    public var binding: String?
    public var operation: String
    /// The catalog row (`Kind.rawValue` of the design's operation type).
    public var kind: Int
    public var fields: [String: ValueExpr]
    public var expected: ExpectedResult
    public var location: SourceLocation
    public var lineText: String
}

/// A scenario, checked.
public struct Scenario: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public var steps: [ScenarioStep]
    public var expectViolation: InvariantName?
}

/// `expect holds | violation INV`.
public enum Expectation: Hashable, Sendable, CustomStringConvertible {
    case holds
    case violation(InvariantName)
    public var description: String {
        switch self {
        case .holds: return "holds"
        case .violation(let i): return "violation \(i)"
        }
    }
}

/// An atom of a goal: all of a goal's atoms must hold in one state.
public enum GoalAtom: Hashable, Sendable {
    /// The device's group is routed at the PASID; optionally, the domain does (not) enforce coherency.
    case routed(device: Int, pasid: UInt32, enforceCoherency: Bool?)
    /// The device is bound (joined) to fd N.
    case joined(device: Int, fd: Int)
    /// The two devices' groups are routed, at the PASID, to one domain.
    case shared(device: Int, with: Int, pasid: UInt32)
    /// The device (its RID or the PASID) is attached: the kernel records it (designs with one),
    /// or the hardware routes it (the others).
    case attached(device: Int, pasid: UInt32)
    /// At least `count` objects of `kind` exist (`ioas`, `hwpt`, `device`: the kernel's objects;
    /// `domain`: live hardware domains).
    case exists(kind: ExistsKind, count: Int)
    /// The table routing (device, PASID) maps `iova` (for `access`, when given): a page walk,
    /// not a DMA (no IOTLB is read or filled).
    case mapped(device: Int, pasid: UInt32, iova: UInt64, access: Access?)

    public enum ExistsKind: String, CaseIterable, Hashable, Sendable { case ioas, hwpt, device, domain }

    /// The words a goal line may start with.
    public static let words = ["routed", "joined", "shared", "attached", "exists", "mapped"]
}

extension GoalAtom {
    /// The devices the atom names (symmetry leaves them in place).
    public var devices: [Int] {
        switch self {
        case .routed(let d, _, _), .joined(let d, _), .attached(let d, _), .mapped(let d, _, _, _): return [d]
        case .shared(let a, let b, _): return [a, b]
        case .exists: return []
        }
    }

    /// Whether the atom holds of the hardware alone (`joined` never does: binding is a design's;
    /// `exists` of kernel objects neither; `attached` is read as routed).
    public func holds(in hardware: Hardware, _ topology: Topology) -> Bool {
        switch self {
        case .routed(let device, let pasid, let cc):
            guard let d = Self.domain(of: device, pasid, hardware, topology) else { return false }
            return cc.map { $0 == d.enforcesCoherency } ?? true
        case .attached(let device, let pasid):
            return Self.domain(of: device, pasid, hardware, topology) != nil
        case .shared(let a, let b, let pasid):
            guard let x = Self.domain(of: a, pasid, hardware, topology), let y = Self.domain(of: b, pasid, hardware, topology) else { return false }
            return x.id == y.id
        case .exists(.domain, let count):
            return hardware.domains.count(where: { !$0.freed }) >= count
        case .mapped(let device, let pasid, let iova, let access):
            guard let d = Self.domain(of: device, pasid, hardware, topology) else { return false }
            let result: WalkResult
            if let p = d.parent, let parent = hardware.domain(p) {
                result = NestedWalk.walk(stage1: d.table, stage2: parent.table, iova: iova, access: access ?? .read)
            } else {
                result = d.table.walk(iova, access: access ?? .read, stage: d.stage)
            }
            guard case .translated(let t) = result else { return false }
            return access.map { t.permissions.allows($0) } ?? true
        case .joined, .exists:
            return false
        }
    }

    static func domain(of device: Int, _ pasid: UInt32, _ hardware: Hardware, _ topology: Topology) -> Domain? {
        let group = topology.devices[device].group
        guard let route = hardware.routes(group: group, pasid: pasid).first, let d = hardware.domain(route.domain), !d.freed else { return nil }
        return d
    }
}

/// A `goal NAME { … }`.
public struct Goal: Hashable, Sendable {
    public var name: String
    public var atoms: [GoalAtom]
}

/// Operation groups of `explore { ops … }` (`SPEC.md` §2).
public enum OperationGroup: String, Hashable, Sendable, CaseIterable {
    case ioas, map, unmap, hwpt, bind, attach, close, destroy
    case copy, allowIOVAs = "allow-iovas", option, autoMap = "auto-map", translate, nested, dirty, hwInfo = "hw-info", viommu, hwQueue = "hw-queue", invalidate, fault, veventq, reserved, access, vfioCompat = "vfio-compat", testPasid = "test-pasid", mapFile = "map-file", selftestChecks = "selftest-checks"

    public static let defaults: Set<OperationGroup> = [.ioas, .map, .unmap, .hwpt, .bind, .attach, .close, .destroy]
}

/// The `explore { }` block: the bounds of the action space.
public struct ExploreBounds: Hashable, Sendable {
    public var objects: [String: Int] = [:]
    public var window = IOVARange(first: 0x10000, last: 0x13fff)
    public var lengths: [UInt64] = [0x1000]
    public var pasids: [UInt32] = []
    public var depth = 4
    /// The `ops` words in force (the design's own words; its defaults when `ops` is not written).
    public var groups: Set<String> = Set(OperationGroup.defaults.map(\.rawValue))
    public var userVAs: [UInt64]?
    /// Whether `depth` was written (it is required by `check`).
    public var hasDepth = false

    public init() {}
}

/// A model file after parsing and semantic checks.
public struct Model: Sendable {
    public var path: String
    public var title: String
    /// The design named by `proposal`, from the registry the model was loaded with.
    public var proposalType: any Proposal.Type
    /// The `set` lines, by knob name, in file order.
    public var knobs: [(String, String)]
    public var topology: Topology
    public var config: IOMMUFDConfig
    public var explore: ExploreBounds?
    /// Where the `explore {` line is (diagnostics about the bounds point there).
    public var exploreLocation: SourceLocation?
    public var checks: [InvariantName]
    public var expectation: Expectation
    public var goals: [Goal]
    /// `expect reachable|unreachable GOAL`, in file order.
    public var goalExpectations: [(goal: String, reachable: Bool)]
    public var scenarios: [Scenario]

    /// The value of knob `name`: as set, else the design's default (nil for a knob the design
    /// does not read).
    public func knob(_ name: String) -> String? { knobs.first { $0.0 == name }?.1 ?? proposalType.defaultValue(of: name) }

    /// The `proposal` name.
    public var proposal: String { proposalType.name }
}
