import Foundation

/// A Graphviz picture of a state: IOMMUs (clusters) with their devices, domains with their leaves
/// (in runs, with sizes and permissions), the uAPI objects the design's users hold, and the
/// routes; the devices and domains a violation names are drawn red.
/// Render with `dot -Tsvg FILE.dot -o FILE.svg`.
public enum DotPicture {
    /// What a design's users hold, drawn beside the hardware.
    public enum Objects {
        /// iommufd's IOASes and HWPTs (iommufd, dev-ioasid, bind-table).
        case kernelObjects
        /// A VFIO type1 container: its groups, type and mappings, over the domains it made.
        case container(name: String, groups: [String], type: String?, ioasID: UInt32)
        /// None: the in-kernel API and the PASID designs hold domains only.
        case none
    }

    /// At most this many leaf runs or areas in one node's label; the rest are counted.
    static let listed = 8

    public static func render(_ state: IOMMUFDState, _ topology: Topology, violation: Violation?, objects: Objects = .kernelObjects) -> String {
        var out = ["digraph state {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=10];", "  edge [fontname=\"Helvetica\", fontsize=9];"]
        let badDevices = Set(violation?.objects.compactMap { $0.hasPrefix("dev ") ? String($0.dropFirst(4)) : nil } ?? [])
        let badDomains = Set(violation?.objects.compactMap { $0.hasPrefix("domain ") ? String($0.dropFirst(7)) : nil } ?? [])
        for (i, iommu) in topology.iommus.enumerated() {
            out.append("  subgraph cluster_iommu\(i) {")
            out.append("    label=\(quote("\(iommu.name) (\(iommu.preset.rawValue) \(iommu.pageSizes))")); style=rounded;")
            for (d, device) in topology.devices.enumerated() where device.iommu == i {
                // Bound device ids are iommufd's objects: only its users know them.
                let bound: String
                if case .kernelObjects = objects { bound = state.boundIDs[d] != 0 ? "\\nbound as \(state.boundIDs[d])" : "\\nunbound" } else { bound = "" }
                let color = badDevices.contains(device.name) ? ", color=red, penwidth=2" : ""
                out.append("    dev\(d) [shape=box, label=\(quote("\(device.name)\\ngroup \(topology.groups[device.group])\(bound)"))\(color)];")
            }
            out.append("  }")
        }
        for d in state.hardware.domains {
            var label = "domain \(d.id)\\n\(d.preset.rawValue) stage \(d.stage.rawValue)"
            if d.enforcesCoherency { label += "\\nenforces coherency" }
            if d.freed { label += "\\nFREED" }
            if d.dirtyTracking {
                label += d.dirty.enabled ? "\\ndirty tracking on" : "\\ndirty tracking off"
                if !d.dirty.bits.isEmpty { label += "\\ndirty bits: " + d.dirty.bits.map { SizeText.hex($0.first) }.joined(separator: " ") }
                if let missed = d.dirty.missed { label += "\\nMISSED by a bitmap read: \(SizeText.hex(missed.first))" }
            }
            let runs = LeafRun.runs(of: d.table)
            label += runs.isEmpty ? "\\nno leaves" : "\\n" + lines(runs.map { $0.shortText }, unit: "runs")
            let color = badDomains.contains(String(d.id)) || d.freed ? ", color=red, penwidth=2" : ""
            out.append("  domain\(d.id) [shape=cylinder, label=\(quote(label))\(color)];")
            if let p = d.parent { out.append("  domain\(d.id) -> domain\(p) [label=\"stage 2\", style=dashed];") }
        }
        switch objects {
        case .kernelObjects: out += objectNodes(state)
        case .container(let name, let groups, let type, let ioasID): out += containerNodes(state, name, groups, type, ioasID)
        case .none: break
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

    static func objectNodes(_ state: IOMMUFDState) -> [String] {
        var out: [String] = []
        for o in state.objects {
            switch o.body {
            case .ioas(let x):
                out.append("  obj\(o.id) [shape=folder, label=\(quote("IOAS \(o.id)\\n" + areaLines(x.areas)))];")
            case .hwptPaging(let h):
                out.append("  obj\(o.id) [shape=component, label=\(quote("HWPT \(o.id)\(h.autoDomain ? " (auto)" : "")"))];")
                out.append("  obj\(o.id) -> obj\(h.ioas) [label=\"mirrors\"];")
                out.append("  obj\(o.id) -> domain\(h.domain) [style=dotted];")
                if h.fault != 0 { out.append("  obj\(o.id) -> obj\(h.fault) [label=\"faults\", style=dashed];") }
            case .hwptNested(let n):
                out.append("  obj\(o.id) [shape=component, label=\(quote("HWPT \(o.id) (nested)"))];")
                out.append("  obj\(o.id) -> obj\(n.viommu != 0 ? n.viommu : n.parent) [label=\(quote(n.viommu != 0 ? "vIOMMU" : "parent"))];")
                out.append("  obj\(o.id) -> domain\(n.domain) [style=dotted];")
            case .device:
                break
            case .viommu(let v):
                out.append("  obj\(o.id) [shape=octagon, label=\(quote("vIOMMU \(o.id)\\ntype \(SizeText.hex(UInt64(v.type)))"))];")
                out.append("  obj\(o.id) -> obj\(v.hwpt) [label=\"nest parent\"];")
            case .fault(let q):
                let label = "FAULT \(o.id)\\n\(q.queued.count) queued, \(q.awaiting.count) awaiting\(q.fdOpen ? "" : "\\nfd closed")"
                out.append("  obj\(o.id) [shape=cds, label=\(quote(label))];")
            case .veventq(let q):
                let label = "vEVENTQ \(o.id)\\n\(q.events.count)/\(q.depth) events\(q.lostSequence != nil ? "\\nevents lost" : "")"
                out.append("  obj\(o.id) [shape=cds, label=\(quote(label))];")
                out.append("  obj\(o.id) -> obj\(q.viommu) [label=\"of\"];")
            case .hwQueue(let q):
                out.append("  obj\(o.id) [shape=cds, label=\(quote("HW queue \(o.id)\\nindex \(q.index)\\nIOVA \(SizeText.hex(q.iova))+\(SizeText.hex(q.length))"))];")
                out.append("  obj\(o.id) -> obj\(q.viommu) [label=\"in\"];")
                if q.depends != 0 { out.append("  obj\(o.id) -> obj\(q.depends) [label=\"after\", style=dashed];") }
            case .access(let a):
                let label = "ACCESS \(o.id)\\n\(a.items.count) pinned\(a.needsPin ? "" : "\\nread/write only")"
                out.append("  obj\(o.id) [shape=component, label=\(quote(label))];")
                if a.ioas != 0 { out.append("  obj\(o.id) -> obj\(a.ioas) [label=\"on\"];") }
                for ioas in Set(a.items.map(\.ioas)) where ioas != a.ioas {
                    out.append("  obj\(o.id) -> obj\(ioas) [label=\"still pins\", color=red, penwidth=2];")
                }
            case .vdevice(let v):
                // A vDEVICE whose device is no longer bound is what `lifetime` reports: drawn red.
                let stale = state.object(v.deviceID)?.body != .device(v.device)
                out.append("  obj\(o.id) [shape=note, label=\(quote("vDEVICE \(o.id)\\nvirtual id \(SizeText.hex(v.virtID))"))\(stale ? ", color=red, penwidth=2" : "")];")
                out.append("  obj\(o.id) -> obj\(v.viommu) [label=\"in\"];")
                out.append("  obj\(o.id) -> dev\(v.device)\(stale ? " [color=red, label=\"unbound\"]" : "");")
            }
        }
        // A reference to an object that is gone (destroy-check = none) is what the lifetime
        // invariant is about: draw the missing object, in red, rather than let Graphviz invent it.
        let live = Set(state.objects.map(\.id))
        var missing: [UInt32] = []
        for o in state.objects {
            switch o.body {
            case .hwptPaging(let h) where !live.contains(h.ioas): missing.append(h.ioas)
            case .hwptNested(let n) where !live.contains(n.parent): missing.append(n.parent)
            case .hwptNested(let n) where n.viommu != 0 && !live.contains(n.viommu): missing.append(n.viommu)
            case .viommu(let v) where !live.contains(v.hwpt): missing.append(v.hwpt)
            case .vdevice(let v) where !live.contains(v.viommu): missing.append(v.viommu)
            case .hwQueue(let q) where !live.contains(q.viommu): missing.append(q.viommu)
            case .veventq(let q) where !live.contains(q.viommu): missing.append(q.viommu)
            case .access(let a): missing += ([a.ioas] + a.items.map(\.ioas)).filter { $0 != 0 && !live.contains($0) }
            default: break
            }
        }
        for id in Set(missing).sorted() {
            out.append("  obj\(id) [shape=folder, style=dashed, color=red, penwidth=2, label=\(quote("object \(id)\\ndestroyed"))];")
        }
        return out
    }

    /// A type1 user holds a container, its groups and its mappings; the IOAS and HWPTs that
    /// implement it stay out of the picture, and the container points at the domains they made.
    static func containerNodes(_ state: IOMMUFDState, _ name: String, _ groups: [String], _ type: String?, _ ioasID: UInt32) -> [String] {
        var label = "container \(name)\\ngroups \(groups.isEmpty ? "none" : groups.joined(separator: ","))\\n\(type ?? "no IOMMU type set")"
        if let ioas = state.ioas(ioasID) { label += "\\n" + areaLines(ioas.areas) }
        var out = ["  container [shape=folder, label=\(quote(label))];"]
        for p in state.pagingHWPTs(on: ioasID) { out.append("  container -> domain\(p.hwpt.domain) [style=dotted];") }
        return out
    }

    static func areaLines(_ areas: [Area]) -> String {
        areas.isEmpty ? "no mappings" : lines(areas.map { "\($0.range) \($0.permissions)" }, unit: "mappings")
    }

    static func lines(_ items: [String], unit: String) -> String {
        let shown = items.prefix(listed).joined(separator: "\\n")
        return items.count > listed ? shown + "\\n… \(items.count - listed) more \(unit)" : shown
    }

    static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
}

extension LeafRun {
    /// `0x0+16K rw` or `0x200000+512×4K rw`: where, how big, with what permissions.
    var shortText: String {
        "\(SizeText.hex(first.iova))+\(count > 1 ? "\(count)×" : "")\(SizeText.format(size)) \(first.permissions)"
    }
}
