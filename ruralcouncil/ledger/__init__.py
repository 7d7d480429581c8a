"""The Qt-free core: money, storage, the hash chain and the services every user action calls."""
