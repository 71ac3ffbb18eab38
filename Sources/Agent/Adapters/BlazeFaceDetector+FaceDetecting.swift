// FaceDetection's BlazeFace behind the pipeline's detector seam.
import FaceDetection
import Imaging

extension BlazeFaceDetector: FaceDetecting {
    public func detect(in image: Image) throws -> [DetectedFace] {
        detect(image)
    }
}

extension MultiScaleFaceDetector: FaceDetecting {
    public func detect(in image: Image) throws -> [DetectedFace] {
        detect(image)
    }
}
