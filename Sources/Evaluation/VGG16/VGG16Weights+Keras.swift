import FaceRecognition
import KerasHDF5
import Neural

extension VGG16Weights {
    /// Reads VGG16 weights from a Keras `.h5` file through libhdf5: the `keras.applications` ImageNet file
    /// (`vgg16_weights_tf_dim_ordering_tf_kernels.h5`: layers `block1_conv1` … `block5_conv3`, `fc1`, `fc2`,
    /// `predictions`) or DeepFace's VGG-Face file (`vgg_face_weights.h5`: 13 convolutions then fc6/fc7/fc8 stored
    /// as 7×7 and 1×1 convolutions). The layers holding weights are taken in the file's order; a 7×7×512×N
    /// convolution is the same matrix as a dense layer over a channels-last flatten, so both read alike.
    public init(kerasFile path: String) throws {
        let file = try KerasWeights(path: path)
        var convolutions: [Convolution] = []
        var dense: [Dense] = []
        for layer in file.layerNames {
            guard let tensors = file.layers[layer], !tensors.isEmpty else { continue }
            guard let kernel = tensors.first(where: { $0.role == "kernel" || $0.role == "W" }) ?? tensors.first,
                  let bias = tensors.first(where: { $0.role == "bias" || $0.role == "b" }) ?? tensors.dropFirst().first else {
                throw HDF5Error(.shapeMismatch, file: path, object: layer, detail: "expected a kernel and a bias")
            }
            let shape = kernel.shape
            if convolutions.count < 13 {
                guard shape.count == 4, shape[0] == 3, shape[1] == 3 else {
                    throw HDF5Error(.shapeMismatch, file: path, object: layer,
                                    detail: "convolution \(convolutions.count + 1) has kernel shape \(shape), expected [3, 3, in, out]")
                }
                convolutions.append(Convolution(inChannels: shape[2], outChannels: shape[3], weights: kernel.values, bias: bias.values))
            } else {
                // [in, out] dense, or [kh, kw, cin, out] convolution over the whole map (VGG-Face's fc layers).
                guard shape.count == 2 || shape.count == 4, let out = shape.last else {
                    throw HDF5Error(.shapeMismatch, file: path, object: layer, detail: "dense kernel has shape \(shape)")
                }
                let inCount = shape.dropLast().reduce(1, *)
                dense.append(Dense(inCount: inCount, outCount: out, weights: kernel.values, bias: bias.values))
            }
        }
        self = try VGG16Weights(convolutions: convolutions, dense: dense)
    }
}
