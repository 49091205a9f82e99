/// iommufd's `iopf` invariant: every page request a fault queue holds, queued or read and
/// awaiting its response, belongs to a device still attached at that PASID to the HWPT it came
/// through. A PCIe device that issued a page request stalls that transaction until a response
/// comes; once the device has left the HWPT nobody can answer through it, so the kernel answers
/// INVALID itself when the device leaves (eventq.c `iommufd_auto_response_faults`, from detach
/// and replace). A request left behind is a device waiting forever.
public enum IOPFInvariant {
    public static let declaration = DesignInvariant(
        "iopf", "every page request a fault queue holds belongs to a device still attached at its PASID to the HWPT it came through")
    public static var name: InvariantName { declaration.name }

    public static func check(_ s: IOMMUFDState, _ topology: Topology) -> Violation? {
        for o in s.objects {
            guard case .fault(let q) = o.body else { continue }
            for r in q.queued + q.awaiting where !attached(r, s, topology) {
                let device: String = {
                    if case .device(let d)? = s.object(r.deviceID)?.body { return "dev \(topology.devices[d].name)" }
                    return "device \(r.deviceID)"
                }()
                return Violation(name, "a page request outlives its device's attachment: nobody will answer it",
                                 objects: ["fault \(o.id)", device] + (r.pasid == 0 ? [] : ["pasid \(r.pasid)"]) + ["hwpt \(r.hwpt)"],
                                 expected: "answered INVALID when the device left hwpt \(r.hwpt)",
                                 found: r.cookie == 0 ? "still queued" : "read, awaiting the response of cookie \(r.cookie)")
            }
        }
        return nil
    }

    static func attached(_ r: FaultRecord, _ s: IOMMUFDState, _ topology: Topology) -> Bool {
        guard case .device(let d)? = s.object(r.deviceID)?.body, let a = s.attachment(group: topology.devices[d].group, pasid: r.pasid) else {
            return false
        }
        return a.hwpt == r.hwpt && a.devices & (1 << UInt64(d)) != 0
    }
}
