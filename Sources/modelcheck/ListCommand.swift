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
        var out = ["proposals:"]
        for p in ProposalName.allCases {
            out.append("  \(p.rawValue.padded(20)) \(p.explanation)\(p.isModelled ? "" : " [not modelled yet]")")
        }
        out.append("knobs (values, first is the default unless noted):")
        for k in Knob.allCases {
            out.append("  \(k.rawValue.padded(20)) \(k.values.joined(separator: "|")) — \(k.explanation); owners: \(k.owners.map(\.rawValue).joined(separator: ", "))")
        }
        out.append("operations (iommufd):")
        for s in IOMMUFDOperation.specs {
            let fields = s.fieldOrder.map { "\($0)=" }.joined(separator: " ")
            out.append("  \(s.name) \(fields)".padded(70) + " \(s.summary)")
        }
        out.append("operation groups for explore 'ops' (default: \(OperationGroup.allCases.filter(OperationGroup.defaults.contains).map(\.rawValue).joined(separator: " "))):")
        out.append("  " + OperationGroup.allCases.map(\.rawValue).joined(separator: " "))
        out.append("object kinds for explore 'objects' (iommufd): ioas hwpt device fault viommu")
        out.append("invariants:")
        for i in InvariantName.allCases { out.append("  \(i.rawValue.padded(14)) \(i.explanation)") }
        console.out(out.joined(separator: "\n"))
        return 0
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
