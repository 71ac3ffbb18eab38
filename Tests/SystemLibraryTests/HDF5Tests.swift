import CHDF5
import Foundation
import Testing

@Suite struct HDF5Tests {
    @Test func writesAndReadsAFloatDataset() throws {
        rollcall_h5_silence_errors()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-h5-\(UInt32.random(in: 0 ... .max)).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let values: [Float] = [1.5, -2.25, 3, 4, 5, 6]
        let file = H5Fcreate(path, rollcall_h5f_acc_trunc(), rollcall_h5p_default(), rollcall_h5p_default())
        #expect(file >= 0)
        var dims: [hsize_t] = [2, 3]
        let space = H5Screate_simple(2, &dims, nil)
        let dataset = H5Dcreate2(file, "weights", rollcall_h5t_native_float(), space,
                                 rollcall_h5p_default(), rollcall_h5p_default(), rollcall_h5p_default())
        #expect(H5Dwrite(dataset, rollcall_h5t_native_float(), rollcall_h5s_all(), rollcall_h5s_all(), rollcall_h5p_default(), values) >= 0)
        H5Dclose(dataset); H5Sclose(space); H5Fclose(file)

        let reopened = H5Fopen(path, rollcall_h5f_acc_rdonly(), rollcall_h5p_default())
        #expect(reopened >= 0)
        let readBack = H5Dopen2(reopened, "weights", rollcall_h5p_default())
        var out = [Float](repeating: 0, count: 6)
        #expect(H5Dread(readBack, rollcall_h5t_native_float(), rollcall_h5s_all(), rollcall_h5s_all(), rollcall_h5p_default(), &out) >= 0)
        H5Dclose(readBack); H5Fclose(reopened)
        #expect(out == values)
    }

    @Test func openingANonHDF5FileFails() throws {
        rollcall_h5_silence_errors()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-not-h5-\(UInt32.random(in: 0 ... .max))").path
        try Data("not an hdf5 file".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(H5Fopen(path, rollcall_h5f_acc_rdonly(), rollcall_h5p_default()) < 0)
    }
}
