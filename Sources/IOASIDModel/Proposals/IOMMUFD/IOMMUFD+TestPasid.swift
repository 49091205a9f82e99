/// The selftest's own PASID operations on a mock device (selftest.c `iommufd_test_pasid_attach`,
/// `_replace`, `_detach`, `_check_hwpt`): the core's `iommufd_device_attach`, `_replace` and
/// `_detach` at a PASID, reached without VFIO — so an attach where one is already made is EBUSY
/// (VFIO's ioctl would replace), and PASID 0 is the RID.
extension IOMMUFD {
    /// An unbound device has no selftest object: its id names nothing (ENOENT).
    func testPasidAttach(device: Int, pasid: UInt32, ptID: UInt32, replacing: Bool, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard s.boundIDs[device] != 0 else { throw .ENOENT }
        let hwpt = try resolve(ptID: ptID, device: device, pasid: pasid, replacing: replacing, &s)
        return Outcome(.ok, outputs: [OutputField("pt_id", .number(UInt64(hwpt)))], principal: UInt64(hwpt))
    }

    func testPasidDetach(device: Int, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard s.boundIDs[device] != 0 else { throw .ENOENT }
        detach(device: device, pasid: pasid, &s)
        return .ok
    }

    /// The domain the group's attach handle at `pasid` holds against the HWPT's (`hwpt_id=0`: none).
    /// The reference tree's check reports a mismatch; the model makes it EINVAL, which the selftest's
    /// `ASSERT_EQ(0, …)` tells apart from success all the same.
    func testPasidCheckHWPT(device: Int, pasid: UInt32, hwptID: UInt32, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard s.boundIDs[device] != 0 else { throw .ENOENT }
        let group = topology.devices[device].group
        let attached = s.attachment(group: group, pasid: pasid)?.hwpt
        guard hwptID != 0 else {
            if attached != nil { throw .EINVAL }
            return .ok
        }
        guard let o = s.object(hwptID) else { throw .ENOENT }
        switch o.body {
        case .hwptPaging, .hwptNested: break
        default: throw .EINVAL
        }
        guard attached.flatMap({ s.domainID(ofHWPT: $0) }) == s.domainID(ofHWPT: hwptID) else { throw .EINVAL }
        return .ok
    }
}
