"""Streamlit panels of the LoRA Lab page (pages/lab.py stays short and calls into these).

All model logic lives in `lora_demo`; these modules only turn widget values into `LoraSettings`,
call the library, cache pure results and draw them.
"""
