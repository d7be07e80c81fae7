"""Machine-readable catalogue: DCAT-AP 3 for harvesters, an Atom feed of updates, robots.txt."""
