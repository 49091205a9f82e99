import IOASIDModel

/// `modelcheck describe`: the parsed model, as the tool understood it.
enum DescribeCommand {
    static let spec = CommandSpec(
        name: "describe",
        summary: "print the parsed model: proposal, knobs, topology, bounds, invariants",
        usage: "modelcheck describe FILE.model",
        options: [],
        details: "Knobs not set are shown with their defaults; a missing explore block is shown with the defaults check would refuse.")

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        let paths = try ModelFiles.paths(parsed)
        var exit: Int32 = 0
        for path in paths {
            guard let model = ModelFiles.load(path, console: console) else { exit = 2; continue }
            console.out(describe(model))
        }
        return exit
    }

    static func describe(_ m: Model) -> String {
        let p = m.proposalType
        var out = ["model \"\(m.title)\" (\(m.path))", "proposal \(p.name): \(p.summary)", "knobs:"]
        for d in p.knobs {
            let set = m.knobs.first { $0.0 == d.name }?.1
            out.append("  \(d.name) = \(set ?? d.defaultValue)\(set == nil ? " (default)" : "")")
        }
        let t = m.topology
        out.append("host: page size \(SizeText.format(t.host.pageSize)), huge page \(SizeText.format(t.host.hugePageSize)), pin limit \(SizeText.format(t.host.pinLimit))")
        for i in t.iommus {
            var caps = [i.canEnforceCoherency ? "coherent" : "noncoherent"]
            if !i.honoursCache { caps.append("no-cache-coherency") }
            if i.nesting { caps.append("nesting") }
            if i.windows > 1 { caps.append("windows=\(i.windows)") }
            out.append("iommu \(i.name): \(i.preset.rawValue) pgsizes \(i.pageSizes) pasid-bits \(i.pasidBits) aperture \(i.aperture) \(caps.joined(separator: " "))")
        }
        for (n, d) in t.devices.enumerated() {
            var line = "device \(d.name): iommu \(t.iommus[d.iommu].name), group \(t.groups[d.group]), pasid-bits \(t.pasidBits(of: n)) (effective)"
            if !d.reserved.isEmpty { line += ", reserved " + d.reserved.map(\.description).joined(separator: " ") }
            if !d.dirtyTracking { line += ", no-dirty" }
            out.append(line)
        }
        for r in t.memory { out.append("memory \(r.range) \(r.kind.rawValue)") }
        if !t.vsvaDevices.isEmpty { out.append("vsva: " + t.vsvaDevices.map { t.devices[$0].name }.joined(separator: ", ")) }
        let e = m.explore ?? ExploreBounds()
        out.append("explore\(m.explore == nil ? " (defaults; check needs an explore block)" : ""):")
        out.append("  depth \(e.depth), window \(e.window), lengths " + e.lengths.map(SizeText.format).joined(separator: " "))
        out.append("  pasids " + (e.pasids.isEmpty ? "none" : e.pasids.map(String.init).joined(separator: " ")))
        out.append("  objects " + (e.objects.isEmpty ? "unbounded" : e.objects.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        for kind in p.objectKinds where !kind.isExplored && e.objects[kind.word] != nil {
            out.append("  note: no explored operation of \(p.name) creates \(kind.word) objects yet; the cap has no effect")
        }
        out.append("  ops " + p.groups.map(\.word).filter(e.groups.contains).joined(separator: " "))
        out.append("check " + m.checks.map(\.rawValue).joined(separator: " "))
        out.append("expect \(m.expectation)")
        for g in m.goals { out.append("goal \(g.name): \(g.atoms.count) atom(s)") }
        for (g, r) in m.goalExpectations { out.append("expect \(r ? "reachable" : "unreachable") \(g)") }
        out.append("scenarios: \(m.scenarios.count)")
        for s in m.scenarios { out.append("  \"\(s.name)\": \(s.steps.count) steps\(s.expectViolation.map { ", expects violation \($0)" } ?? "")") }
        return out.joined(separator: "\n")
    }
}
