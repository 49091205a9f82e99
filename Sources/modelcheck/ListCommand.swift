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
            out.append("  \(p.rawValue.padded(20)) \(p.explanation)")
        }
        out.append("knobs (values; the default on each owner is marked *):")
        for k in Knob.allCases {
            let defaults = Set(k.owners.map { k.defaultValue(for: $0) })
            let values = k.values.map { defaults.contains($0) ? $0 + "*" : $0 }.joined(separator: "|")
            out.append("  \(k.rawValue.padded(20)) \(values) — \(k.explanation); owners: \(k.owners.map(\.rawValue).joined(separator: ", "))")
        }
        for p in ProposalName.allCases {
            out.append("operations (\(p.rawValue)):")
            for s in IOMMUFDOperation.specs(for: p) {
                let fields = s.fieldOrder.map { "\($0)=" }.joined(separator: " ")
                out.append("  \(s.name) \(fields)".padded(70) + " \(s.summary)")
            }
        }
        out.append("operation groups for explore 'ops' (default: \(OperationGroup.allCases.filter(OperationGroup.defaults.contains).map(\.rawValue).joined(separator: " "))):")
        out.append("  " + OperationGroup.allCases.map(\.rawValue).joined(separator: " "))
        out.append("  vfio-type1: attach = VFIO_GROUP_SET_CONTAINER, ioas = VFIO_SET_IOMMU (the type1-version's type), map, unmap, translate")
        out.append("  iommu-api: ioas = iommu_domain_alloc, attach = attach/detach, map, unmap, destroy = iommu_domain_free, translate")
        out.append("  vfio-pasid-request: ioas = PASID ALLOC, destroy = PASID FREE, attach = VFIO_IOMMU_BIND / UNBIND")
        out.append("  bind-table: bind = BIND_PASID_TABLE, attach = GUEST_SET_PASID_ENTRY / ATTACH_PASID, map = MEMRESERVE, hwpt = ADD/REMOVE_TABLE, unmap = RECLAIM")
        out.append("  dev-ioasid: bind = JOIN_IOASID_FD, ioas = IOASID_ALLOC, destroy = IOASID_FREE, map, unmap, allow-iovas = IOASID_SET_WINDOW, attach = ATTACH_IOASID(_PASID) / DETACH_IOASID, hwpt = IOASID_ALLOC/FREE_PASID")
        out.append("object kinds for explore 'objects': iommufd: ioas hwpt device fault viommu; vfio-type1: ioas (the container's address space) hwpt (its domains) device; iommu-api: domain; vfio-pasid-request: pasid; bind-table: none; dev-ioasid: ioas hwpt (its domains) device")
        out.append("vfio-type1 choices: one 'container NAME' per model; the other VFIO_SET_IOMMU type than type1-version is EINVAL, an unknown one ENODEV;")
        out.append("  type1-impl=vfio and naive report attach conflicts as EINVAL (vfio_iommu_type1_attach_group), iommufd-compat as iommufd does (EADDRINUSE)")
        out.append("invariants:")
        for i in InvariantName.allCases { out.append("  \(i.rawValue.padded(14)) \(i.explanation)") }
        console.out(out.joined(separator: "\n"))
        return 0
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
