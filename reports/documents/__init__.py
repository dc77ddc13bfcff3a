"""The council's official documents (Nghị định 30/2020/NĐ-CP): layout and each document."""
