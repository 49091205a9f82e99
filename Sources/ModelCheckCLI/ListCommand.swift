import IOASIDModel

/// `modelcheck list`: proposals, knobs, operations and invariants, one line each.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list",
        summary: "list proposals, their knobs, operations and invariants, one line each",
        usage: "modelcheck list",
        options: [])

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        guard parsed.positionals.isEmpty else { throw UsageError(message: "list takes no arguments") }
        console.out(lines(ProposalRegistry.standard).joined(separator: "\n"))
        return 0
    }

    static func lines(_ registry: ProposalRegistry) -> [String] {
        var out = ["proposals:"]
        for p in registry.types { out.append("  \(p.name.padded(20)) \(p.summary)") }
        out.append("knobs (values; the default on each owner is marked *):")
        var knobs: [DesignKnob] = []
        for t in registry.types { for d in t.knobs where !knobs.contains(where: { $0.name == d.name }) { knobs.append(d) } }
        for k in knobs {
            let owners = registry.types.filter { $0.defaultValue(of: k.name) != nil }
            let defaults = Set(owners.compactMap { $0.defaultValue(of: k.name) })
            let values = k.values.map { defaults.contains($0) ? $0 + "*" : $0 }.joined(separator: "|")
            out.append("  \(k.name.padded(20)) \(values) — \(k.explanation); owners: \(owners.map { $0.name }.joined(separator: ", "))")
        }
        out.append("format presets (iommu format=, s1_format=; the geometry, then the leaf sizes):")
        for preset in FormatPreset.allCases {
            let f = preset.format
            let sizes = f.leafSizes.sizes.map(SizeText.format).joined(separator: ",")
            out.append("  \(preset.rawValue.padded(14)) \(f.family.rawValue) family, \(f.levels) level(s), \(SizeText.format(f.granule)) granule, \(f.inputBits)-bit input; leaves \(sizes)")
        }
        for p in registry.types {
            out.append("operations (\(p.name)):")
            for s in p.operations {
                let fields = s.fieldOrder.map { "\($0)=" }.joined(separator: " ")
                out.append("  \(s.name) \(fields)".padded(70) + " \(s.summary)")
            }
            let defaults = p.groups.filter(\.isDefault).map(\.word).joined(separator: " ")
            out.append("explore 'ops' groups (\(p.name); default: \(defaults)):")
            for g in p.groups {
                let aliases = g.aliases.isEmpty ? "" : " (also: \(g.aliases.joined(separator: ", ")))"
                out.append("  \(g.word.padded(12)) \(g.summary)\(aliases)")
            }
            let kinds = p.objectKinds.map { $0.isExplored ? $0.word : "\($0.word) (accepted; nothing explored creates it yet)" }
            out.append("explore 'objects' kinds (\(p.name)): " + (kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))
        }
        out.append("vfio-type1 choices: one 'container NAME' per model; the other VFIO_SET_IOMMU type than type1-version is EINVAL, an unknown one ENODEV;")
        out.append("  type1-impl=vfio and naive report attach conflicts as EINVAL (vfio_iommu_type1_attach_group), iommufd-compat as iommufd does (EADDRINUSE)")
        out.append("invariants:")
        for i in InvariantName.allCases { out.append("  \(i.rawValue.padded(14)) \(i.explanation)") }
        for t in registry.types {
            for i in t.invariants { out.append("  \(i.name.rawValue.padded(14)) \(i.explanation) (\(t.name) only)") }
        }
        return out
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
