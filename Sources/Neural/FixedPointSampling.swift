import CNeuralKernels

// MediaPipe's image-to-tensor step samples the camera frame with OpenCV's INTER_LINEAR in fixed point (1/32-pixel
// positions, integer weights, one rounding) and maps each byte to v·2/255 − 1. FaceDetection's `Letterbox` lays
// out the grid; the cells whose four neighbours lie inside the image run here, in CNeuralKernels' per-instruction-set
// kernel (eight cells per step with gathers on AVX2 and AVX-512). Its reference is `Letterbox.fillReference`.

/// Samples `count` cells of one output row from source rows `row0` and `row1` (the row below it): cell i reads
/// the pixel at byte offset `offsets[i]` (ascending) and the pixel after it, with horizontal weight
/// `xWeights[i]` (0…32, the right pixel's) and vertical weight `yWeight` (0…32, the lower row's), and writes its
/// three tensor channels (a gray image's byte to all three) to `output[3i …]` as v·2/255 − 1. `channels` is 1 or
/// 3; every neighbour must lie inside the image, which ends just before `imageEnd` (never read).
public func sampleRowFixedPoint(row0: UnsafePointer<UInt8>, row1: UnsafePointer<UInt8>, channels: Int,
                                offsets: UnsafePointer<Int32>, xWeights: UnsafePointer<Int32>, count: Int,
                                yWeight: Int32, imageEnd: UnsafePointer<UInt8>, output: UnsafeMutablePointer<Float>,
                                isa: InstructionSet = KernelDispatch.active.isa) {
    precondition(channels == 1 || channels == 3, "sampleRowFixedPoint reads 1 or 3 channels, not \(channels)")
    rc_letterbox_row(isa.c, row0, row1, Int32(channels), offsets, xWeights, Int32(count), yWeight, imageEnd, output)
}
