import Foundation


/// A Graphviz picture of an iommufd state: IOMMUs (clusters) with their devices, domains, IOASes
/// and HWPTs, and the routes; the routes named by a violation are drawn red.
/// Render with `dot -Tsvg FILE.dot -o FILE.svg`.
public enum DotPicture {
    public static func render(_ state: IOMMUFDState, _ topology: Topology, violation: Violation?) -> String {
        var out = ["digraph state {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=10];", "  edge [fontname=\"Helvetica\", fontsize=9];"]
        let badDevices = Set(violation?.objects.compactMap { $0.hasPrefix("dev ") ? String($0.dropFirst(4)) : nil } ?? [])
        let badDomains = Set(violation?.objects.compactMap { $0.hasPrefix("domain ") ? String($0.dropFirst(7)) : nil } ?? [])
        for (i, iommu) in topology.iommus.enumerated() {
            out.append("  subgraph cluster_iommu\(i) {")
            out.append("    label=\(quote("\(iommu.name) (\(iommu.preset.rawValue) \(iommu.pageSizes))")); style=rounded;")
            for (d, device) in topology.devices.enumerated() where device.iommu == i {
                let bound = state.boundIDs[d] != 0 ? "bound as \(state.boundIDs[d])" : "unbound"
                let color = badDevices.contains(device.name) ? ", color=red, penwidth=2" : ""
                out.append("    dev\(d) [shape=box, label=\(quote("\(device.name)\\ngroup \(topology.groups[device.group])\\n\(bound)"))\(color)];")
            }
            out.append("  }")
        }
        for d in state.hardware.domains {
            var label = "domain \(d.id)\\n\(d.preset.rawValue) stage \(d.stage.rawValue)\\n\(d.table.leaves.count) leaves"
            if d.enforcesCoherency { label += "\\nenforces coherency" }
            if d.freed { label += "\\nFREED" }
            let color = badDomains.contains(String(d.id)) || d.freed ? ", color=red, penwidth=2" : ""
            out.append("  domain\(d.id) [shape=cylinder, label=\(quote(label))\(color)];")
            if let p = d.parent { out.append("  domain\(d.id) -> domain\(p) [label=\"stage 2\", style=dashed];") }
        }
        for o in state.objects {
            switch o.body {
            case .ioas(let x):
                out.append("  obj\(o.id) [shape=folder, label=\(quote("IOAS \(o.id)\\n\(x.areas.count) areas"))];")
            case .hwptPaging(let h):
                out.append("  obj\(o.id) [shape=component, label=\(quote("HWPT \(o.id)\(h.autoDomain ? " (auto)" : "")"))];")
                out.append("  obj\(o.id) -> obj\(h.ioas) [label=\"mirrors\"];")
                out.append("  obj\(o.id) -> domain\(h.domain) [style=dotted];")
            case .hwptNested(let n):
                out.append("  obj\(o.id) [shape=component, label=\(quote("HWPT \(o.id) (nested)"))];")
                out.append("  obj\(o.id) -> obj\(n.parent) [label=\"parent\"];")
                out.append("  obj\(o.id) -> domain\(n.domain) [style=dotted];")
            case .device:
                break
            }
        }
        for r in state.hardware.routes {
            for d in topology.members(of: Int(r.group)) {
                let bad = badDevices.contains(topology.devices[d].name) && (badDomains.isEmpty || badDomains.contains(String(r.domain)))
                let label = r.pasid == 0 ? "RID" : "PASID \(r.pasid)"
                out.append("  dev\(d) -> domain\(r.domain) [label=\(quote(label))\(bad ? ", color=red, penwidth=2" : "")];")
            }
        }
        out.append("}")
        return out.joined(separator: "\n")
    }

    static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
}
