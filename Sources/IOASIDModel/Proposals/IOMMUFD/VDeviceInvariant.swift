/// iommufd's `vdevice` invariant: in a vIOMMU a virtual id names one device, and a device has one
/// virtual id in all. The guest addresses devices only by their virtual ids (a virtual stream id
/// in the ATC invalidations and configuration commands SMMUv3's `arm_vsmmu_cache_invalidate`
/// translates, the id events are reported under), and the driver resolves them through the
/// vIOMMU's table (`viommu->vdevs`, `iommufd_viommu_find_dev`). Two devices under one id means a
/// guest command for one reaches the other, or neither.
public enum VDeviceInvariant {
    public static let declaration = DesignInvariant(
        "vdevice", "in each vIOMMU a virtual device id names one device, behind the vIOMMU's IOMMU instance, and a device has one vDEVICE")
    public static var name: InvariantName { declaration.name }

    public static func check(_ s: IOMMUFDState, _ topology: Topology) -> Violation? {
        var seen: [(viommu: UInt32, virtID: UInt64, id: UInt32, device: Int)] = []
        for o in s.objects {
            guard case .vdevice(let v) = o.body else { continue }
            let device = topology.devices[v.device].name
            if let other = seen.first(where: { $0.viommu == v.viommu && $0.virtID == v.virtID }) {
                return Violation(Self.name, "two vDEVICEs of one vIOMMU claim the same virtual id",
                                 objects: ["viommu \(v.viommu)", "vdevice \(other.id)", "vdevice \(o.id)"],
                                 expected: "virtual id \(SizeText.hex(v.virtID)) naming one device",
                                 found: "it names dev \(topology.devices[other.device].name) and dev \(device)")
            }
            if let other = seen.first(where: { $0.device == v.device }) {
                return Violation(Self.name, "a device has two vDEVICEs", objects: ["dev \(device)", "vdevice \(other.id)", "vdevice \(o.id)"],
                                 expected: "one virtual id for the device", found: "two")
            }
            if let viommu = s.viommu(v.viommu), viommu.iommu != topology.devices[v.device].iommu {
                return Violation(Self.name, "a vDEVICE's device sits behind another IOMMU instance than its vIOMMU",
                                 objects: ["viommu \(v.viommu)", "vdevice \(o.id)", "dev \(device)"],
                                 expected: "iommu \(topology.iommus[viommu.iommu].name)", found: "iommu \(topology.iommu(of: v.device).name)")
            }
            seen.append((v.viommu, v.virtID, o.id, v.device))
        }
        return nil
    }
}
