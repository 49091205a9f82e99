/// The selftest's `IOMMU_TEST_OP_MD_CHECK_MAP` (selftest.c `iommufd_test_md_check_pa`): a mock
/// paging domain translates every page of an IOVA range to the user memory the test names (on
/// this host a page's physical address is its user address).
extension IOMMUFD {
    func checkMockMap(hwptID: UInt32, iova: UInt64, length: UInt64, uptr: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        // get_md_pagetable: a HWPT_PAGING (ENOENT), of the mock driver (EINVAL).
        guard let h = s.paging(hwptID), let d = s.hardware.domain(h.domain) else { throw .ENOENT }
        guard d.preset.format.family == .mock || d.preset.format.family == .tiny else { throw .EINVAL }
        let page = d.table.pageSizes.smallest
        guard iova % page == 0, length % page == 0, uptr % page == 0, !uptr.addingReportingOverflow(length).overflow else { throw .EINVAL }
        // Leaf by leaf rather than page by page: a step's cost follows the table, not the length.
        var offset: UInt64 = 0
        while offset < length {
            let (at, wrapped) = iova.addingReportingOverflow(offset)
            guard !wrapped, let t = d.table.walk(at).translation, t.output == uptr + offset else { throw .EINVAL }
            offset += t.pageSize - (at % t.pageSize)
        }
        return .ok
    }
}
