// DlibResNetArchitecture: the layer kinds of dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1),
// bottom to top, as its C++ type spells them in dlib's dnn_face_recognition_ex.cpp:
//
//   block<N,stride>  = affine<con<N,3,3,1,1, relu<affine<con<N,3,3,stride,stride, SUBNET>>>>>
//   ares<N>          = relu<add_prev1<block<N,1, tag1<SUBNET>>>>
//   ares_down<N>     = relu<add_prev2<avg_pool<2,2,2,2, skip1<tag2<block<N,2, tag1<SUBNET>>>>>>>
//   net = loss_metric<fc_no_bias<128, avg_pool_everything<
//           ares_down<256>, ares<256>×2 ∘ ares_down<256>, ares<128>×2 ∘ ares_down<128>,
//           ares<64>×3 ∘ ares_down<64>, ares<32>×3,
//           max_pool<3,3,2,2, relu<affine<con<32,7,7,2,2, input_rgb_image_sized<150>>>>>>>>
import Neural

/// The structure of dlib's face-recognition ResNet, for reading its file.
enum DlibResNetArchitecture {
    /// Layer kinds, bottom (over the input) to top (the 128-d fc).
    static let kinds: [DlibLayerKind] = {
        var kinds: [DlibLayerKind] = [.convolution, .affine, .relu, .maxPool]
        let block: [DlibLayerKind] = [.convolution, .affine, .relu, .convolution, .affine]
        let residual: [DlibLayerKind] = [.tag(1)] + block + [.addPrevious(tag: 1), .relu]
        let residualDown: [DlibLayerKind] = [.tag(1)] + block + [.tag(2), .skip(1), .avgPool, .addPrevious(tag: 2), .relu]
        // (downsampling first?, plain residual count) per level, bottom to top: alevel4 … alevel0.
        let levels: [(down: Bool, plain: Int)] = [(false, 3), (true, 3), (true, 2), (true, 2), (true, 0)]
        for level in levels {
            if level.down { kinds += residualDown }
            for _ in 0 ..< level.plain { kinds += residual }
        }
        kinds += [.avgPool, .fullyConnected]
        return kinds
    }()
}
