/// The `explore { }` block and goals.
extension ModelLoader {
    func exploreBounds(_ lines: [StatementLine], _ topology: Topology) throws(Diagnostic) -> ExploreBounds {
        var b = ExploreBounds()
        b.groups = Set(proposal.groups.filter(\.isDefault).map(\.word))
        let objectKinds = proposal.objectKinds.map(\.word)
        var windowWord: Located<String>?
        for line in lines {
            let head = line.words[0], rest = Array(line.words.dropFirst())
            switch head.value {
            case "objects":
                for w in rest {
                    let kv = split(w, on: "=")
                    guard kv.count == 2 else { throw error("expected KIND=N", at: w) }
                    guard objectKinds.contains(kv[0].value) else {
                        let what = objectKinds.isEmpty ? "proposal '\(proposal.name)' has no object kinds to cap"
                            : "the object kinds of '\(proposal.name)': \(objectKinds.joined(separator: ", "))"
                        throw error(Suggestion.message("unknown object kind '\(kv[0].value)' (\(what))", for: kv[0].value, in: objectKinds), at: kv[0])
                    }
                    let n = Int(try number(kv[1], max: 64))
                    if kv[0].value == "fd", !(1...8).contains(n) { throw error("fd=N takes 1…8", at: kv[1]) }
                    b.objects[kv[0].value] = n
                }
            case "iova":
                guard rest.count == 1 else { throw error("expected 'iova START..LAST'", at: head) }
                b.window = try range(rest[0])
                windowWord = rest[0]
            case "lengths":
                guard !rest.isEmpty else { throw error("expected one or more lengths", at: head) }
                b.lengths = try rest.map { w throws(Diagnostic) in
                    let v = try number(w)
                    guard v > 0 else { throw error("a length of 0", at: w) }
                    return v
                }
            case "pasids":
                b.pasids = []
                for w in rest {
                    if w.value.contains("..") {
                        let r = try range(w)
                        guard r.last <= UInt64(UInt32.max), r.last - r.first < 64 else { throw error("a PASID range of at most 64 values below 2^32", at: w) }
                        b.pasids += (r.first...r.last).map { UInt32($0) }
                    } else {
                        b.pasids.append(UInt32(try number(w, max: UInt64(UInt32.max))))
                    }
                }
            case "depth":
                guard rest.count == 1 else { throw error("expected 'depth N'", at: head) }
                b.depth = Int(try number(rest[0], max: 1000))
                b.hasDepth = true
            case "ops":
                guard !rest.isEmpty else { throw error("expected operation groups after 'ops'", at: head) }
                let names = proposal.groups.map(\.word)
                var groups: Set<String> = rest[0].value.hasPrefix("+") ? b.groups : []
                for w in rest {
                    let adding = w.value.hasPrefix("+")
                    let name = adding ? String(w.value.dropFirst()) : w.value
                    guard let g = proposal.groups.first(where: { $0.word == name || $0.aliases.contains(name) }) else {
                        throw error(Suggestion.message("unknown operation group '\(name)' of '\(proposal.name)'",
                                                       for: name, in: names), at: w)
                    }
                    groups.insert(g.word)
                }
                b.groups = groups
            case "user-va":
                guard !rest.isEmpty else { throw error("expected addresses after 'user-va'", at: head) }
                b.userVAs = try rest.map { w throws(Diagnostic) in try number(w) }
            default:
                throw error(Suggestion.message("unknown explore statement '\(head.value)'", for: head.value,
                                               in: ["objects", "iova", "lengths", "pasids", "depth", "ops", "user-va"]), at: head)
            }
        }
        if let w = windowWord {
            let smallest = b.lengths.min() ?? 1
            if b.window.length / smallest > 1 << 16 {
                throw error("the window spans more than 2^16 pages of the smallest length (\(SizeText.format(smallest)))", at: w)
            }
        }
        return b
    }

    func goal(_ g: GoalSyntax, _ topology: Topology) throws(Diagnostic) -> Goal {
        var atoms: [GoalAtom] = []
        for line in g.atoms {
            let head = line.words[0]
            var fields: [String: Located<String>] = [:]
            for w in line.words.dropFirst() {
                let kv = split(w, on: "=")
                guard kv.count == 2, !kv[1].value.isEmpty else { throw error("expected field=value", at: w) }
                fields[kv[0].value] = kv[1]
            }
            // Every atom names its fields; an unknown one is an error that lists them.
            func only(_ allowed: [String]) throws(Diagnostic) {
                for (k, w) in fields where !allowed.contains(k) {
                    throw error(Suggestion.message("unknown field '\(k)' of '\(head.value)'", for: k, in: allowed), at: w)
                }
            }
            func need(_ k: String) throws(Diagnostic) -> Located<String> {
                guard let w = fields[k] else { throw error("'\(head.value)' needs \(k)=", at: head) }
                return w
            }
            func pasid() throws(Diagnostic) -> UInt32 {
                try fields["pasid"].map { w throws(Diagnostic) in UInt32(try number(w, max: UInt64(UInt32.max))) } ?? 0
            }
            switch head.value {
            case "routed":
                try only(["dev", "pasid", "enforce-cc"])
                let d = try need("dev")
                var cc: Bool?
                if let w = fields["enforce-cc"] {
                    guard w.value == "yes" || w.value == "no" else { throw error("enforce-cc is yes or no", at: w) }
                    cc = w.value == "yes"
                }
                atoms.append(.routed(device: try deviceIndex(d), pasid: try pasid(), enforceCoherency: cc))
            case "joined":
                try only(["dev", "fd"])
                let d = try need("dev"), f = try need("fd")
                let fd = Int(try number(f, max: 64))
                guard fd >= 1, fd <= topology.ioasidFds else {
                    throw error(topology.ioasidFds == 1 ? "this model has one fd (fd=1)" : "fds are 1…\(topology.ioasidFds)", at: f)
                }
                atoms.append(.joined(device: try deviceIndex(d), fd: fd))
            case "shared":
                try only(["dev", "with", "pasid"])
                let a = try deviceIndex(try need("dev")), b = try deviceIndex(try need("with"))
                atoms.append(.shared(device: a, with: b, pasid: try pasid()))
            case "attached":
                try only(["dev", "pasid"])
                atoms.append(.attached(device: try deviceIndex(try need("dev")), pasid: try pasid()))
            case "exists":
                try only(["kind", "count"])
                let k = try need("kind")
                guard let kind = GoalAtom.ExistsKind(rawValue: k.value) else {
                    throw error(Suggestion.message("unknown object kind '\(k.value)'", for: k.value, in: GoalAtom.ExistsKind.allCases.map(\.rawValue)), at: k)
                }
                let count = try fields["count"].map { w throws(Diagnostic) in Int(try number(w, max: 1 << 20)) } ?? 1
                atoms.append(.exists(kind: kind, count: count))
            case "mapped":
                try only(["dev", "pasid", "iova", "access"])
                let d = try deviceIndex(try need("dev"))
                let iova = try number(try need("iova"))
                var access: Access?
                if let w = fields["access"] {
                    guard let a = Access(rawValue: w.value) else { throw error(Suggestion.message("unknown access '\(w.value)'", for: w.value, in: ["read", "write"]), at: w) }
                    access = a
                }
                atoms.append(.mapped(device: d, pasid: try pasid(), iova: iova, access: access))
            default:
                throw error(Suggestion.message("unknown goal atom '\(head.value)'", for: head.value, in: GoalAtom.words), at: head)
            }
        }
        guard !atoms.isEmpty else { throw error("goal '\(g.name.value)' has no atoms", at: g.name) }
        return Goal(name: g.name.value, atoms: atoms)
    }
}

extension ModelLoader {
    /// Refuses bounds under which one state could offer more than `ActionBound.limit` actions.
    func checkActionBound(_ bounds: ExploreBounds, _ topology: Topology, _ config: IOMMUFDConfig, at location: SourceLocation) throws(Diagnostic) {
        guard let n = proposal.actionBound(ActionSpace(topology: topology, bounds: bounds, config: config)), n > ActionBound.limit else { return }
        throw error("these bounds let one state offer up to \(Self.approximately(n)) actions; the limit is \(Int(ActionBound.limit)) "
                    + "(narrow 'iova', take fewer 'lengths', 'pasids' or 'user-va', or drop a wide group such as 'copy' or 'nested' from 'ops')", at: location)
    }

    /// A count as a person reads it: exact up to 10^15, else in powers of two.
    static func approximately(_ n: Double) -> String {
        n < 1e15 ? String(Int(n)) : "2^\(n.exponent)"
    }
}
