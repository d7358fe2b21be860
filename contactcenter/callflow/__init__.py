"""Call flow and IVR: ARI events in, call control out.

``controller`` drives each call (answer, greeting, region, queue, nurse),
``ivr`` plays prompts and reads keys, ``region`` decides where the caller is,
``routing`` connects the call flow to the queue model and ``recovery``
rebuilds live calls after a restart. Import the submodules directly; this
package imports nothing so that the pure parts (``region``) stay cheap to load.
"""
