"""Real protein data from Debian's ``metastudent-data`` (UniProt + Gene Ontology), offline.

``source``: locate the BLAST databases and tools, export sequences and GO terms with blastdbcmd.
``go_labels``: GO ancestry and the label rules (subcellular localisation, enzyme vs not).
``clusters``: MMseqs2 clustering, split by cluster, leakage check.
``build``: the cached task files, balanced subsets and the data card (``python -m lora_demo data``).
``pretrain_export``: FASTA files for MLM pretraining that exclude every validation cluster.
"""
