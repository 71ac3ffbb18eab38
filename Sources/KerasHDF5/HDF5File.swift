import CHDF5
import Foundation

/// A read-only HDF5 file, addressed by absolute object paths (`/model_weights/dense_1`).
///
/// Only what Keras weight files need: group members, string attributes (fixed- or variable-length, scalar
/// or 1-d) and floating-point datasets read as float32 with their shape. libhdf5's serial build is not
/// thread-safe, so every call into it holds one process-wide lock. HDF5's own error printer is silenced;
/// every failure becomes an `HDF5Error` naming the file and the object.
public final class HDF5File {
    /// The file's path, for messages.
    public let path: String
    private let id: hid_t

    /// The most elements one dataset may hold (1 Gi floats; VGG16's largest layer is 103 M).
    public static let maxDatasetElements = 1 << 30

    /// Opens `path` read-only; throws `.cannotOpen` if it is missing or not a readable HDF5 file.
    public init(path: String) throws(HDF5Error) {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HDF5Error(.cannotOpen, file: path, detail: "file does not exist or is not readable")
        }
        let opened = HDF5Lock.run { () -> hid_t in
            rollcall_h5_silence_errors()
            return H5Fopen(path, rollcall_h5f_acc_rdonly(), rollcall_h5p_default())
        }
        guard opened >= 0 else {
            throw HDF5Error(.cannotOpen, file: path, detail: "not an HDF5 file, or truncated or damaged (libhdf5 refused to open it)")
        }
        id = opened
    }

    deinit {
        HDF5Lock.run { _ = H5Fclose(id) }
    }

    /// Whether an object (group or dataset) exists at `object`. Every intermediate group must exist too.
    public func exists(_ object: String) -> Bool {
        HDF5Lock.run {
            var prefix = ""
            for part in object.split(separator: "/") {
                prefix += "/" + part
                if H5Lexists(id, prefix, rollcall_h5p_default()) <= 0 { return false }
            }
            return true
        }
    }

    /// Whether `object` carries an attribute `name`.
    public func hasAttribute(_ name: String, of object: String = "/") -> Bool {
        guard object == "/" || exists(object) else { return false }
        return HDF5Lock.run { H5Aexists_by_name(id, object, name, rollcall_h5p_default()) > 0 }
    }

    /// The names of the links directly inside group `object`, in libhdf5's name order.
    public func members(of object: String) throws(HDF5Error) -> [String] {
        guard object == "/" || exists(object) else {
            throw HDF5Error(.missing, file: path, object: object, detail: "no such group")
        }
        let result: Result<[String], HDF5Error> = HDF5Lock.run {
            let group = H5Gopen2(id, object, rollcall_h5p_default())
            guard group >= 0 else {
                return .failure(HDF5Error(.wrongType, file: path, object: object, detail: "not a group"))
            }
            defer { H5Gclose(group) }
            var info = H5G_info_t()
            guard H5Gget_info(group, &info) >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read group info"))
            }
            var names: [String] = []
            for index in 0 ..< info.nlinks {
                let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, rollcall_h5p_default())
                guard length >= 0 else {
                    return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read member \(index)'s name"))
                }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, rollcall_h5p_default())
                names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return .success(names)
        }
        return try result.get()
    }

    /// The string values of attribute `name` on `object`: one element for a scalar, all elements (in order)
    /// for a 1-d array. Fixed-length strings lose their trailing NUL padding.
    public func stringAttribute(_ name: String, of object: String = "/") throws(HDF5Error) -> [String] {
        let where_ = "\(object)@\(name)"
        guard hasAttribute(name, of: object) else {
            throw HDF5Error(.missing, file: path, object: where_, detail: "no such attribute")
        }
        let result: Result<[String], HDF5Error> = HDF5Lock.run {
            let attribute = H5Aopen_by_name(id, object, name, rollcall_h5p_default(), rollcall_h5p_default())
            guard attribute >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: where_, detail: "cannot open attribute"))
            }
            defer { H5Aclose(attribute) }
            let fileType = H5Aget_type(attribute)
            guard fileType >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: where_, detail: "cannot read its type"))
            }
            defer { H5Tclose(fileType) }
            let space = H5Aget_space(attribute)
            guard space >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: where_, detail: "cannot read its dataspace"))
            }
            defer { H5Sclose(space) }
            let count = Int(H5Sget_simple_extent_npoints(space))
            guard count >= 0, count <= 1 << 20 else {
                return .failure(HDF5Error(.tooLarge, file: path, object: where_, detail: "\(count) strings"))
            }
            // An empty list (h5py writes `weight_names` of a weightless layer as an empty float array).
            if count == 0 { return .success([]) }
            guard H5Tget_class(fileType) == H5T_STRING else {
                return .failure(HDF5Error(.wrongType, file: path, object: where_, detail: "not a string attribute"))
            }
            let memoryType = H5Tcopy(rollcall_h5t_c_s1())
            defer { H5Tclose(memoryType) }
            if H5Tis_variable_str(fileType) > 0 {
                H5Tset_size(memoryType, -1)  // H5T_VARIABLE is (size_t)-1; size_t imports as Int
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
                guard H5Aread(attribute, memoryType, &pointers) >= 0 else {
                    return .failure(HDF5Error(.readFailed, file: path, object: where_, detail: "cannot read variable-length strings"))
                }
                let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
                for pointer in pointers { if let pointer { H5free_memory(pointer) } }
                return .success(strings)
            }
            let width = H5Tget_size(fileType)
            guard width > 0, width <= 1 << 26, count.multipliedReportingOverflow(by: width).partialValue <= 1 << 27 else {
                return .failure(HDF5Error(.tooLarge, file: path, object: where_, detail: "\(count) strings of \(width) bytes"))
            }
            H5Tset_size(memoryType, width)
            H5Tset_strpad(memoryType, H5T_STR_NULLPAD)  // h5py's fixed strings use every byte, no terminator
            var bytes = [UInt8](repeating: 0, count: count * width)
            guard H5Aread(attribute, memoryType, &bytes) >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: where_, detail: "cannot read fixed-length strings"))
            }
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0 ..< count {
                let slice = bytes[index * width ..< (index + 1) * width]
                let end = slice.firstIndex(of: 0) ?? slice.endIndex
                strings.append(String(decoding: slice[slice.startIndex ..< end], as: UTF8.self))
            }
            return .success(strings)
        }
        return try result.get()
    }

    /// The floating-point dataset at `object`, converted to float32, with its shape (outermost first).
    public func floatDataset(_ object: String) throws(HDF5Error) -> (shape: [Int], values: [Float]) {
        guard exists(object) else {
            throw HDF5Error(.missing, file: path, object: object, detail: "no such dataset")
        }
        let result: Result<([Int], [Float]), HDF5Error> = HDF5Lock.run {
            let dataset = H5Dopen2(id, object, rollcall_h5p_default())
            guard dataset >= 0 else {
                return .failure(HDF5Error(.wrongType, file: path, object: object, detail: "not a dataset"))
            }
            defer { H5Dclose(dataset) }
            let fileType = H5Dget_type(dataset)
            guard fileType >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read its type"))
            }
            defer { H5Tclose(fileType) }
            guard H5Tget_class(fileType) == H5T_FLOAT else {
                return .failure(HDF5Error(.wrongType, file: path, object: object, detail: "elements are not floating point"))
            }
            let space = H5Dget_space(dataset)
            guard space >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read its dataspace"))
            }
            defer { H5Sclose(space) }
            let rank = Int(H5Sget_simple_extent_ndims(space))
            guard rank >= 0, rank <= 8 else {
                return .failure(HDF5Error(.wrongType, file: path, object: object, detail: "rank \(rank)"))
            }
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else {
                return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read its dimensions"))
            }
            let shape = dims.prefix(rank).map { Int(clamping: $0) }
            var count = 1
            for extent in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: extent)
                guard !overflow, product <= Self.maxDatasetElements else {
                    return .failure(HDF5Error(.tooLarge, file: path, object: object, detail: "shape \(shape)"))
                }
                count = product
            }
            var values = [Float](repeating: 0, count: count)
            if count > 0 {
                let status = values.withUnsafeMutableBytes {
                    H5Dread(dataset, rollcall_h5t_native_float(), rollcall_h5s_all(), rollcall_h5s_all(),
                            rollcall_h5p_default(), $0.baseAddress)
                }
                guard status >= 0 else {
                    return .failure(HDF5Error(.readFailed, file: path, object: object, detail: "cannot read its data (damaged or truncated file)"))
                }
            }
            return .success((shape, values))
        }
        let (shape, values) = try result.get()
        return (shape, values)
    }
}

/// The one lock around libhdf5 (its serial build is not thread-safe).
enum HDF5Lock {
    private static let lock = NSLock()

    static func run<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
