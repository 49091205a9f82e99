/// The state in words, one fact a line, so that traces can show only the lines that changed.
extension IOMMUFDState {
    public func describe(_ topology: Topology) -> [String] {
        var out: [String] = []
        for o in objects {
            switch o.body {
            case .ioas(let x):
                var line = "ioas \(o.id): users \(o.users)"
                if !x.allowed.isEmpty { line += ", allowed " + x.allowed.map(\.description).joined(separator: " ") }
                if x.disableLargePages { line += ", huge pages off" }
                out.append(line)
                for a in x.areas {
                    out.append("ioas \(o.id) area \(a.range) -> va \(SizeText.hex(a.userVA)) \(a.permissions)")
                }
            case .hwptPaging(let h):
                var tags: [String] = []
                if h.autoDomain { tags.append("auto") }
                if h.nestParent { tags.append("nest-parent") }
                if h.pasidCompat { tags.append("pasid") }
                out.append("hwpt \(o.id): paging on ioas \(h.ioas), domain \(h.domain)\(tags.isEmpty ? "" : " (" + tags.joined(separator: ", ") + ")"), users \(o.users)")
            case .hwptNested(let n):
                out.append("hwpt \(o.id): nested over hwpt \(n.parent), domain \(n.domain)\(n.pasidCompat ? " (pasid)" : "")\(n.autoDomain ? " (auto)" : ""), users \(o.users)")
            case .device(let d):
                out.append("device \(o.id): \(topology.devices[d].name) bound, users \(o.users)")
            }
        }
        for a in attachments {
            let names = topology.devices.indices.filter { a.devices & (1 << UInt64($0)) != 0 }.map { topology.devices[$0].name }
            out.append("group \(topology.groups[Int(a.group)])\(a.pasid == 0 ? "" : " pasid \(a.pasid)"): attached to hwpt \(a.hwpt) by \(names.joined(separator: ","))")
        }
        out += hardware.describe(topology)
        return out
    }

    /// The lines of `describe` that differ from `before`: removed ones prefixed `-`, added `+`.
    public func changes(since before: IOMMUFDState, _ topology: Topology) -> [String] {
        let old = before.describe(topology), new = describe(topology)
        let oldSet = Set(old), newSet = Set(new)
        return old.filter { !newSet.contains($0) }.map { "- " + $0 } + new.filter { !oldSet.contains($0) }.map { "+ " + $0 }
    }
}
