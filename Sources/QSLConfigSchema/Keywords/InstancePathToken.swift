/// One step of an instance location: an object member or an array element.
enum InstancePathToken {
    case key(String)
    case index(Int)
}
