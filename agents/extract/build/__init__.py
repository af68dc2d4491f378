"""Rule data built from established resources: ``python -m agents.extract.build`` writes
``agents/extract/rules/cameo.yaml`` from the CAMEO verb dictionary and the CAMEO-to-PLOVER crosswalk."""
