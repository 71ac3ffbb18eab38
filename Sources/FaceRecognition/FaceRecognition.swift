// FaceRecognition: alignment, embedding backbones (dlib ResNet, VGG16), gallery and matching.
