#!/usr/bin/env python3
"""Watches the PVCs of a namespace with the unmodified Kubernetes Python client.

    py_watch.py KUBECONFIG NAMESPACE RESOURCE_VERSION TIMEOUT_SECONDS MAX_EVENTS

Uses kubernetes.config.load_kube_config and kubernetes.watch.Watch().stream over
CoreV1Api.list_namespaced_persistent_volume_claim from RESOURCE_VERSION, with the server-side
timeout TIMEOUT_SECONDS. Prints one JSON line per event:

    {"type": "ADDED", "name": ..., "resourceVersion": ..., "objectType": "V1PersistentVolumeClaim"}

and stops after MAX_EVENTS events or when the server ends the watch. When the watch fails
(the client raises ApiException, e.g. for a 410 ERROR event) it prints

    {"type": "ERROR", "via": "stream"|"http", "object": {"code": ..., "reason": ..., "message": ...}}

where "stream" means the error came as an ERROR event in a 200 stream (the client builds the
exception from that Status: status=code, reason="<reason>: <message>") and "http" means the
HTTP status of the watch request itself was an error (the body is the Status).
"""
import json
import sys

from kubernetes import client, config, watch


def emit(obj):
    print(json.dumps(obj), flush=True)


def error_object(exc):
    """The Status carried by an ApiException from Watch.stream."""
    if exc.body:  # the watch request's HTTP answer was an error: the body is the Status
        try:
            status = json.loads(exc.body)
        except ValueError:
            status = {"message": str(exc.body)}
        return "http", {
            "code": status.get("code", exc.status),
            "reason": status.get("reason", exc.reason),
            "message": status.get("message", ""),
        }
    # An in-stream ERROR event: Watch.stream raised ApiException(status=code,
    # reason="<reason>: <message>") built from the event's Status object.
    reason, _, message = (exc.reason or "").partition(": ")
    return "stream", {"code": exc.status, "reason": reason, "message": message}


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    kubeconfig, namespace, resource_version, timeout_seconds, max_events = argv[1:]
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    w = watch.Watch()
    count = 0
    try:
        for event in w.stream(
            core.list_namespaced_persistent_volume_claim,
            namespace,
            resource_version=resource_version,
            timeout_seconds=int(timeout_seconds),
        ):
            obj = event["object"]
            emit({
                "type": event["type"],
                "name": obj.metadata.name,
                "resourceVersion": obj.metadata.resource_version,
                "objectType": type(obj).__name__,
            })
            count += 1
            if count >= int(max_events):
                w.stop()
    except client.rest.ApiException as exc:
        via, obj = error_object(exc)
        emit({"type": "ERROR", "via": via, "object": obj})
    emit({"type": "END", "events": count})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
