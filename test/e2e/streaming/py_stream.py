#!/usr/bin/env python3
"""Exec and port-forward with the unmodified Kubernetes Python client (kubernetes.stream).

    py_stream.py KUBECONFIG exec NAMESPACE POD CMD...
        stream(connect_get_namespaced_pod_exec) over v4.channel.k8s.io; prints one JSON line
        {"stdout": ..., "stderr": ..., "returncode": ...}.
    py_stream.py KUBECONFIG portforward NAMESPACE POD PORT REQUEST
        portforward(connect_get_namespaced_pod_portforward): opens PORT in the pod, sends
        REQUEST, reads until the pod closes; prints {"reply": ...}.
"""
import json
import sys

from kubernetes import client, config
from kubernetes.stream import portforward, stream


def main():
    kubeconfig, mode, namespace, pod = sys.argv[1:5]
    config.load_kube_config(config_file=kubeconfig)
    api = client.CoreV1Api()
    if mode == "exec":
        resp = stream(
            api.connect_get_namespaced_pod_exec,
            pod,
            namespace,
            command=sys.argv[5:],
            stderr=True,
            stdin=False,
            stdout=True,
            tty=False,
            _preload_content=False,
        )
        resp.run_forever(timeout=30)
        out = {"stdout": resp.read_stdout(), "stderr": resp.read_stderr(), "returncode": resp.returncode}
        print(json.dumps(out), flush=True)
        return
    port = int(sys.argv[5])
    pf = portforward(api.connect_get_namespaced_pod_portforward, pod, namespace, ports=str(port))
    sock = pf.socket(port)
    sock.setblocking(True)
    sock.sendall(sys.argv[6].encode())
    chunks = []
    while True:
        data = sock.recv(4096)
        if not data:
            break
        chunks.append(data)
    sock.close()
    print(json.dumps({"reply": b"".join(chunks).decode(), "error": pf.error(port)}), flush=True)


if __name__ == "__main__":
    main()
