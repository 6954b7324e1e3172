namespace AncientPS.Peers { internal static class Marker { } }
