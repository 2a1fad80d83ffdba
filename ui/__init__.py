"""Every Streamlit module of the app: pages call these; they call `studykit` (study logic) and `lora_demo` (engine)."""
